package io.flotilla.mqtt.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.paho.client.mqttv3.MqttTopic;

import io.flotilla.spi.fleet.FleetMessageHandler;

/**
 * Who on this node wants which topics, and what the broker should be told about it. Thread-safe.
 *
 * <p>A node subscribes to one topic per agent it holds, so there can be thousands of exact filters:
 * those are found by a map lookup, and only the few wildcard filters are matched one by one.
 *
 * <p>The broker hands a persistent session's queued messages over right after connecting, possibly
 * before every component has subscribed: a message nothing wants yet is parked a while for the first
 * subscription that matches it. Matching and parking happen under one lock with subscribing, so a
 * message is either delivered or parked, never lost between the two.
 */
final class SubscriptionTable {

    private static final int MAX_PARKED = 1000;
    private static final long PARK_MILLIS = 120_000;

    /** A message that arrived before anything here subscribed to it. */
    record Parked(String topic, byte[] payload, boolean retained, long arrivedMillis) {
    }

    /** What {@link #add} found: whether the broker must be told, and the early messages for the new handler. */
    record Added(boolean subscribeAtBroker, List<Parked> early) {
    }

    private final Map<String, List<FleetMessageHandler>> exact = new HashMap<>();
    private final Map<String, List<FleetMessageHandler>> wildcard = new HashMap<>();
    // Kept subscribed at the broker even with no handler here: what is sent while the node is away waits.
    private final Set<String> durable = new LinkedHashSet<>();
    // Given up while disconnected: the broker still has them in the session until the next connect.
    private final Set<String> unsubscribeOnConnect = new LinkedHashSet<>();
    private final Deque<Parked> parked = new ArrayDeque<>();

    private static boolean isWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    private Map<String, List<FleetMessageHandler>> tableOf(String filter) {
        return isWildcard(filter) ? wildcard : exact;
    }

    synchronized Added add(String filter, FleetMessageHandler handler, boolean keepAtBroker) {
        if (keepAtBroker) {
            durable.add(filter);
        }
        unsubscribeOnConnect.remove(filter);
        List<FleetMessageHandler> list = tableOf(filter).computeIfAbsent(filter, f -> new ArrayList<>(1));
        boolean first = list.isEmpty();
        list.add(handler);
        List<Parked> early = new ArrayList<>();
        parked.removeIf(p -> {
            if (MqttTopic.isMatched(filter, p.topic())) {
                early.add(p);
                return true;
            }
            return false;
        });
        return new Added(first, early);
    }

    /** Removes one handler; true when the broker should now be told to unsubscribe. */
    synchronized boolean remove(String filter, FleetMessageHandler handler) {
        Map<String, List<FleetMessageHandler>> table = tableOf(filter);
        List<FleetMessageHandler> list = table.get(filter);
        if (list == null || !list.remove(handler) || !list.isEmpty()) {
            return false;
        }
        table.remove(filter);
        return !durable.contains(filter);
    }

    /**
     * Stops keeping {@code filter} at the broker; true when nothing here wants it any more, so the
     * broker should be told to unsubscribe.
     */
    synchronized boolean release(String filter) {
        return durable.remove(filter) && !tableOf(filter).containsKey(filter);
    }

    /** Remembers to unsubscribe from {@code filter} once connected, unless it is wanted again meanwhile. */
    synchronized void unsubscribeOnConnect(String filter) {
        unsubscribeOnConnect.add(filter);
    }

    /** The filters given up while disconnected; forgotten once taken. */
    synchronized List<String> takeUnsubscribes() {
        List<String> taken = new ArrayList<>(unsubscribeOnConnect);
        unsubscribeOnConnect.clear();
        return taken;
    }

    /** Every filter the broker should have for this node after a connect. */
    synchronized List<String> filters() {
        Set<String> all = new LinkedHashSet<>(durable);
        all.addAll(wildcard.keySet());
        all.addAll(exact.keySet());
        return new ArrayList<>(all);
    }

    /** The handlers of {@code topic}; when there are none, the message is parked and the list is empty. */
    synchronized List<FleetMessageHandler> matchingOrPark(String topic, byte[] payload, boolean retained, long nowMillis) {
        List<FleetMessageHandler> matching = new ArrayList<>(exact.getOrDefault(topic, Collections.emptyList()));
        wildcard.forEach((filter, list) -> {
            if (MqttTopic.isMatched(filter, topic)) {
                matching.addAll(list);
            }
        });
        if (matching.isEmpty()) {
            long oldest = nowMillis - PARK_MILLIS;
            parked.removeIf(p -> p.arrivedMillis() < oldest);
            if (parked.size() >= MAX_PARKED) {
                parked.removeFirst();
            }
            parked.addLast(new Parked(topic, payload, retained, nowMillis));
        }
        return matching;
    }
}
