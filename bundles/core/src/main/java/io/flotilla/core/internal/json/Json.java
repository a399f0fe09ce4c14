package io.flotilla.core.internal.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The node's JSON binding. Strict: documents bind to maps, lists and scalars or to concrete
 * classes, never through polymorphic default typing; nesting and sizes are bounded.
 */
public final class Json {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final int MAX_NESTING = 64;

    private final ObjectMapper mapper;

    public Json() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                .build();
        mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public JsonNode parse(byte[] bytes) throws IOException {
        return mapper.readTree(bytes);
    }

    /** Parses a JSON object; anything else is an {@link IOException} that says what it was. */
    public Map<String, Object> parseObject(byte[] bytes) throws IOException {
        JsonNode node = parse(bytes);
        if (node == null || !node.isObject()) {
            throw new IOException("expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return mapper.convertValue(node, MAP);
    }

    public byte[] toBytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable to JSON: " + e.getOriginalMessage(), e);
        }
    }

    public byte[] toPrettyBytes(Object value) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable to JSON: " + e.getOriginalMessage(), e);
        }
    }

    public String toPrettyString(Object value) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode toTree(Object value) {
        return mapper.valueToTree(value);
    }

    public <T> T fromTree(JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read " + node.getNodeType().name().toLowerCase() + " as "
                    + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Converts a JSON-like value to {@code type}; a value that already is one is returned as is. */
    public <T> T convert(Object value, Class<T> type) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        try {
            return mapper.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot convert " + value.getClass().getSimpleName() + " to "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public Map<String, Object> toMap(JsonNode node) {
        return mapper.convertValue(node, MAP);
    }

    public ObjectNode toObjectNode(Map<String, Object> map) {
        return mapper.valueToTree(map);
    }

    public ObjectNode newObject() {
        return mapper.createObjectNode();
    }
}
