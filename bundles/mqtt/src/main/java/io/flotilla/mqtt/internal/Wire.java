package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON on the wire: UTF-8, objects bound to maps (never polymorphic types), timestamps in seconds
 * since the epoch with millisecond fraction, as the Python nodes of the protocol write them.
 */
final class Wire {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final ObjectMapper mapper;
    private final Clock clock;

    Wire(Clock clock) {
        this.clock = clock;
        this.mapper = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Seconds since the epoch, e.g. 1795292806.717 (a decimal, so JSON shows it plainly). */
    BigDecimal now() {
        return seconds(clock.millis());
    }

    /** The same for a given instant. */
    static BigDecimal seconds(Instant instant) {
        return seconds(instant.toEpochMilli());
    }

    private static BigDecimal seconds(long epochMillis) {
        return BigDecimal.valueOf(epochMillis, 3);
    }

    byte[] encode(Object payload) {
        if (payload instanceof byte[] raw) {
            return raw;
        }
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A JSON object; anything else is refused with a reason fit for an error message. */
    Map<String, Object> object(byte[] payload) throws MalformedPayload {
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new MalformedPayload("payload is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedPayload("payload could not be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new MalformedPayload("payload must be a JSON object, got "
                    + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return mapper.convertValue(node, MAP);
    }

    /** Any JSON value (object, array, text, number...), or the text itself when it is not JSON. */
    Object value(byte[] payload) {
        try {
            JsonNode node = mapper.readTree(payload);
            if (node != null && !node.isMissingNode()) {
                return mapper.treeToValue(node, Object.class);
            }
        } catch (IOException notJson) {
            // plain text below
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** A command payload that cannot be used; the message says why. */
    static final class MalformedPayload extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedPayload(String message) {
            super(message);
        }
    }
}
