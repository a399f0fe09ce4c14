package io.flotilla.core.internal.runtime;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import io.flotilla.api.Subscription;

/**
 * Publish and subscribe within this node, for a node without a fleet connection: a message reaches
 * the subscriptions of this node's agents and nothing else.
 */
final class LocalBus implements PubSub {

    private final CopyOnWriteArrayList<LocalSubscription> subscriptions = new CopyOnWriteArrayList<>();

    @Override
    public void publish(String topic, Object data) {
        for (LocalSubscription subscription : subscriptions) {
            if (TopicFilter.matches(subscription.filter, topic)) {
                subscription.handler.accept(topic, data);
            }
        }
    }

    @Override
    public Subscription subscribe(String topicFilter, BiConsumer<String, Object> handler) {
        LocalSubscription subscription = new LocalSubscription(topicFilter, handler);
        subscriptions.add(subscription);
        return subscription;
    }

    private final class LocalSubscription implements Subscription {
        final String filter;
        final BiConsumer<String, Object> handler;

        LocalSubscription(String filter, BiConsumer<String, Object> handler) {
            this.filter = filter;
            this.handler = handler;
        }

        @Override
        public String topicFilter() {
            return filter;
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }
}
