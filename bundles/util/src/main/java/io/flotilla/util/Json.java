package io.flotilla.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The node's one JSON configuration, for every path: commands, the wire, files on disk, the shell.
 * Strict: documents bind to maps, lists and scalars or to concrete classes, never through
 * polymorphic default typing; one document per input (trailing tokens are refused); the limits
 * below apply everywhere. Byte limits on whole documents are the business of each entry point,
 * which knows its own (a spawn document, a migration with its state).
 */
public final class Json {

    /** Deepest nesting of objects and arrays accepted in any document. */
    public static final int MAX_NESTING = 64;
    /** Longest number accepted, in characters: bounds the cost of parsing one. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final ObjectMapper mapper;
    private final ObjectMapper canonical;

    public Json() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                // {"name": "a", "name": "b"} means what each reader picks: a signer's tool may show one
                // and the node run the other. No document has two values for one field.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        canonical = mapper.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    public JsonNode parse(byte[] bytes) throws IOException {
        return mapper.readTree(bytes);
    }

    /**
     * Parses a JSON object. Syntax errors are {@link JsonProcessingException}s ({@link #where} says
     * where); anything but an object is an {@link IOException} that says what it was.
     */
    public Map<String, Object> parseObject(byte[] bytes) throws IOException {
        JsonNode node = parse(bytes);
        if (node == null || !node.isObject()) {
            throw new IOException("expected a JSON object, got " + kindOf(node));
        }
        return mapper.convertValue(node, MAP);
    }

    /** Any JSON value (object, array, text, number...), or the text itself when it is not JSON. */
    public Object valueOrText(byte[] bytes) {
        try {
            JsonNode node = parse(bytes);
            if (node != null && !node.isMissingNode()) {
                return mapper.treeToValue(node, Object.class);
            }
        } catch (IOException notJson) {
            // plain text below
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** What a parsed document turned out to be, for error messages: "an array", "nothing". */
    public static String kindOf(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase();
    }

    /** " at line L, column C" for a syntax error, or "" when the parser did not say. */
    public static String where(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    public byte[] toBytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable to JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The same value always gives the same bytes: object keys sorted, no white space. For hashes of
     * documents, whatever order their fields came in.
     */
    public byte[] toCanonicalBytes(Object value) {
        try {
            return canonical.writeValueAsBytes(value);
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
