package io.flotilla.migration.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import io.flotilla.spi.handoff.AgentCode.CodeSource;

/** The {@code code} of a migration message: where the agent's bundle came from, and its hash. */
final class CodeOffer {

    private CodeOffer() {
    }

    static Map<String, Object> toMap(CodeSource source) {
        Map<String, Object> code = new LinkedHashMap<>();
        code.put("location", source.location());
        code.put("symbolic_name", source.symbolicName());
        code.put("version", source.version());
        if (source.sha256() != null) {
            code.put("sha256", source.sha256());
            code.put("size", source.size());
        }
        return code;
    }

    /** The code named in a message, or null when it names none. */
    static CodeSource fromMap(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> code) || !(code.get("location") instanceof String location)) {
            throw new IllegalArgumentException("'code' must be an object with a 'location'");
        }
        String sha256 = code.get("sha256") instanceof String hash && hash.matches("[0-9a-fA-F]{64}") ? hash : null;
        long size = code.get("size") instanceof Number n ? n.longValue() : -1;
        return new CodeSource(location, String.valueOf(code.get("symbolic_name")), String.valueOf(code.get("version")),
                sha256, size);
    }
}
