package io.flotilla.core.internal.runtime;

import io.flotilla.api.Reply;
import io.flotilla.core.internal.json.Json;

/** A reply, from this node or decoded from the wire. */
public final class LocalReply implements Reply {

    private final String from;
    private final Object value;
    private final Json json;

    public LocalReply(String from, Object value, Json json) {
        this.from = from;
        this.value = value;
        this.json = json;
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
        return json.convert(value, type);
    }

    @Override
    public String toString() {
        return "Reply[from=" + from + ", value=" + value + "]";
    }
}
