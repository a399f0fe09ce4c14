package io.flotilla.core.internal.runtime;

import java.util.Optional;

import io.flotilla.api.Message;
import io.flotilla.util.Json;

final class LocalMessage implements Message {

    private final Object payload;
    private final String sender;
    private final String topic;
    private final Json json;

    LocalMessage(Object payload, String sender, String topic, Json json) {
        this.payload = payload;
        this.sender = sender;
        this.topic = topic;
        this.json = json;
    }

    @Override
    public Object payload() {
        return payload;
    }

    @Override
    public <T> T payloadAs(Class<T> type) {
        return json.convert(payload, type);
    }

    @Override
    public Optional<String> sender() {
        return Optional.ofNullable(sender);
    }

    @Override
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    @Override
    public String toString() {
        return "Message[from=" + sender + ", topic=" + topic + ", payload=" + payload + "]";
    }
}
