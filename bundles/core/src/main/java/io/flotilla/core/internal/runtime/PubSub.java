package io.flotilla.core.internal.runtime;

import java.util.function.BiConsumer;

import io.flotilla.api.Subscription;

/** Where {@code AgentContext.publish} and {@code subscribe} go: the fleet broker, or this node alone. */
public interface PubSub {

    void publish(String topic, Object data);

    /** Calls {@code handler} with (topic, payload) for every message matching {@code topicFilter}. */
    Subscription subscribe(String topicFilter, BiConsumer<String, Object> handler);
}
