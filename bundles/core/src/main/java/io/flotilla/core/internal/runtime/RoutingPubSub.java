package io.flotilla.core.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import io.flotilla.api.Subscription;

/**
 * The agents' publish and subscribe, routed to whichever backend serves now: this node alone until
 * the fleet connection appears, the broker while it is there. Subscriptions move with the backend,
 * so an agent that subscribed before the connection came up still gets the fleet's messages.
 */
final class RoutingPubSub implements PubSub {

    private final List<Routed> routed = new ArrayList<>();
    private PubSub backend;

    RoutingPubSub(PubSub initial) {
        this.backend = initial;
    }

    /** Moves every live subscription to {@code next} and sends later publications there. */
    synchronized void use(PubSub next) {
        if (next == backend) {
            return;
        }
        backend = next;
        for (Routed subscription : routed) {
            subscription.current.close();
            subscription.current = next.subscribe(subscription.filter, subscription.handler);
        }
    }

    @Override
    public void publish(String topic, Object data) {
        PubSub target;
        synchronized (this) {
            target = backend;
        }
        target.publish(topic, data);
    }

    @Override
    public synchronized Subscription subscribe(String topicFilter, BiConsumer<String, Object> handler) {
        Routed subscription = new Routed(topicFilter, handler, backend.subscribe(topicFilter, handler));
        routed.add(subscription);
        return subscription;
    }

    private final class Routed implements Subscription {
        final String filter;
        final BiConsumer<String, Object> handler;
        Subscription current;

        Routed(String filter, BiConsumer<String, Object> handler, Subscription current) {
            this.filter = filter;
            this.handler = handler;
            this.current = current;
        }

        @Override
        public String topicFilter() {
            return filter;
        }

        @Override
        public void close() {
            synchronized (RoutingPubSub.this) {
                if (routed.remove(this)) {
                    current.close();
                }
            }
        }
    }
}
