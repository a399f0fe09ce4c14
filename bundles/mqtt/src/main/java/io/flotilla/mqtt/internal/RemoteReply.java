package io.flotilla.mqtt.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.api.Reply;

/** A reply that came over the broker. */
final class RemoteReply implements Reply {

    private final ObjectMapper mapper;
    private final String from;
    private final Object value;

    RemoteReply(ObjectMapper mapper, String from, Object value) {
        this.mapper = mapper;
        this.from = from;
        this.value = value;
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
        return mapper.convertValue(value, type);
    }

    @Override
    public String toString() {
        return "Reply[from=" + from + ", value=" + value + "]";
    }
}
