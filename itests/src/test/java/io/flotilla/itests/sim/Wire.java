package io.flotilla.itests.sim;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What every simulated node writes alike: JSON, the topic prefix and the heartbeat interval. */
final class Wire {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final ObjectMapper mapper = new ObjectMapper();
    private final String prefix;
    private final double heartbeatSeconds;

    Wire(String prefix, double heartbeatSeconds) {
        this.prefix = prefix;
        this.heartbeatSeconds = heartbeatSeconds;
    }

    String prefix() {
        return prefix;
    }

    double heartbeatSeconds() {
        return heartbeatSeconds;
    }

    byte[] bytes(Map<String, Object> body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + body, e);
        }
    }

    /** The JSON object in {@code payload}, or null when it is none. */
    Map<String, Object> read(byte[] payload) {
        try {
            return payload.length == 0 ? null : mapper.readValue(payload, OBJECT);
        } catch (IOException e) {
            return null;
        }
    }
}
