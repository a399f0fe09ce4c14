package io.flotilla.util;

import java.util.Objects;

import io.flotilla.api.Reply;

/**
 * A reply whose value is plain data (what JSON decodes to: maps, lists, strings, numbers, booleans),
 * converted to other types on demand. The agent manager and the fleet connection both answer with it.
 */
public final class DataReply implements Reply {

    /** Turns plain data into an instance of a type, e.g. Jackson's {@code ObjectMapper::convertValue}. */
    @FunctionalInterface
    public interface Converter {
        <T> T convert(Object value, Class<T> type);
    }

    private final String from;
    private final Object value;
    private final Converter converter;

    public DataReply(String from, Object value, Converter converter) {
        this.from = Objects.requireNonNull(from, "from");
        this.value = value;
        this.converter = Objects.requireNonNull(converter, "converter");
    }

    @Override
    public String from() {
        return from;
    }

    @Override
    public Object value() {
        return value;
    }

    @Override
    public <T> T valueAs(Class<T> type) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        return converter.convert(value, type);
    }

    @Override
    public String toString() {
        return "Reply[from=" + from + ", value=" + value + "]";
    }
}
