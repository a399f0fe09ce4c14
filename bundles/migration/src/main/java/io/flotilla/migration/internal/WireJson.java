package io.flotilla.migration.internal;

import java.io.IOException;
import java.util.Map;

import io.flotilla.util.Json;

/** The JSON objects of the migration messages, read with the node's one JSON configuration. */
final class WireJson {

    private final Json json = new Json();

    /** The JSON object in {@code payload}; anything else is refused with the reason. */
    Map<String, Object> object(byte[] payload, int maxBytes) {
        if (payload.length > maxBytes) {
            throw new IllegalArgumentException("message is " + payload.length + " bytes, over the limit of " + maxBytes
                    + " (max.bytes in " + MigrationConfig.PID + ".cfg)");
        }
        try {
            return json.parseObject(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("message is not a JSON object: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    static String text(Map<String, Object> message, String field) {
        if (!(message.get(field) instanceof String value) || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' must be text");
        }
        return value;
    }

    static long count(Map<String, Object> message, String field) {
        if (!(message.get(field) instanceof Number value) || value.longValue() < 0) {
            throw new IllegalArgumentException("'" + field + "' must be a number of at least 0");
        }
        return value.longValue();
    }
}
