package io.flotilla.mqtt.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's QoS 1 messages on their way to the broker: sent at once while connected, kept in order
 * while not (up to a limit, the oldest dropped first), and, for those the broker had not yet
 * acknowledged when a connection went, sent again first on the next one. Every connect attempt has
 * a fresh Paho client, so what Paho would have resent is kept here. Thread-safe.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** One message for one topic. */
    record Outbound(String topic, MqttMessage message) {
    }

    private final int capacity;
    private final Deque<Outbound> waiting = new ArrayDeque<>();
    // Handed to the current client and not yet acknowledged.
    private final Map<IMqttDeliveryToken, Outbound> inFlight = new LinkedHashMap<>();
    private int dropped;

    Outbox(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Sends at once on {@code client} when nothing waits before it; else, or when the client's window
     * is full or it is not connected, keeps it. Returns true when the message was kept for later.
     */
    boolean publish(MqttAsyncClient client, Outbound outbound) {
        if (client != null && isEmpty()) {
            try {
                send(client, outbound);
                return false;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT
                        && e.getReasonCode() != MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                    LOG.warn("Publishing to {} failed: {}", outbound.topic(), MqttConnection.describe(e));
                    return false;
                }
            }
        }
        keep(outbound);
        return true;
    }

    boolean isEmpty() {
        synchronized (waiting) {
            return waiting.isEmpty();
        }
    }

    /** The connection went: what it did not acknowledge goes first when the next one is up. */
    void connectionLost() {
        synchronized (waiting) {
            List<Outbound> unacknowledged = new ArrayList<>(inFlight.values());
            inFlight.clear();
            for (int i = unacknowledged.size() - 1; i >= 0; i--) {
                waiting.addFirst(unacknowledged.get(i));
            }
        }
    }

    /**
     * Sends what waited, in order, while {@code connected} and as far as the client's in-flight window
     * allows; on the connection's loop.
     */
    void flush(MqttAsyncClient client, BooleanSupplier connected) {
        while (connected.getAsBoolean()) {
            Outbound next;
            synchronized (waiting) {
                next = waiting.peekFirst();
            }
            if (next == null) {
                dropped = 0;
                return;
            }
            try {
                send(client, next);
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                    return; // delivered() calls again
                }
                if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                    return; // the next connection sends it
                }
                LOG.warn("Publishing buffered message to {} failed: {}", next.topic(), MqttConnection.describe(e));
            }
            synchronized (waiting) {
                waiting.pollFirst();
            }
        }
    }

    /** The broker acknowledged a message; true when more waits to be sent. */
    boolean delivered(IMqttDeliveryToken token) {
        synchronized (waiting) {
            inFlight.remove(token);
            return !waiting.isEmpty();
        }
    }

    /** Hands a message to the client, remembering it until the broker acknowledges it. */
    private void send(MqttAsyncClient client, Outbound outbound) throws MqttException {
        IMqttDeliveryToken token = client.publish(outbound.topic(), outbound.message());
        synchronized (waiting) {
            if (!token.isComplete()) {
                inFlight.put(token, outbound);
            }
        }
    }

    private void keep(Outbound outbound) {
        synchronized (waiting) {
            if (waiting.size() >= capacity) {
                waiting.removeFirst();
                if (dropped++ == 0) {
                    LOG.warn("The offline buffer of {} messages is full: dropping the oldest until the broker is back",
                            capacity);
                }
            }
            waiting.addLast(outbound);
        }
    }
}
