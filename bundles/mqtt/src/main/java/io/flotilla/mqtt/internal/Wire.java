package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.flotilla.util.Json;

/**
 * JSON on the wire, with the node's one JSON configuration: UTF-8, objects bound to maps (never
 * polymorphic types), timestamps in seconds since the epoch with millisecond fraction, as the Python
 * nodes of the protocol write them.
 */
final class Wire {

    private final Json json = new Json();
    private final Clock clock;

    Wire(Clock clock) {
        this.clock = clock;
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

    Json json() {
        return json;
    }

    /** The bytes to publish: a {@code byte[]} as it is, anything else as JSON. */
    byte[] encode(Object payload) {
        return payload instanceof byte[] raw ? raw : json.toBytes(payload);
    }

    /** A JSON object; anything else is refused with a reason fit for an error message. */
    Map<String, Object> object(byte[] payload) throws MalformedPayload {
        try {
            return json.parseObject(payload);
        } catch (JsonProcessingException e) {
            throw new MalformedPayload("payload is not valid JSON" + Json.where(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedPayload("payload must be a JSON object, " + e.getMessage().replace("expected a JSON object, ", ""));
        }
    }

    /** Any JSON value (object, array, text, number...), or the text itself when it is not JSON. */
    Object value(byte[] payload) {
        return json.valueOrText(payload);
    }

    /** A payload that cannot be used; the message says why. */
    static final class MalformedPayload extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedPayload(String message) {
            super(message);
        }
    }
}
