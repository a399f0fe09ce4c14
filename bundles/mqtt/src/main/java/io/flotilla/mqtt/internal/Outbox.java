package io.flotilla.mqtt.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's QoS 1 messages on their way to the broker: sent at once while connected, kept in order
 * while not, and, for those the broker had not yet acknowledged when a connection went, sent again
 * first on the next one. Every connect attempt has a fresh Paho client, so what Paho would have
 * resent is kept here. Thread-safe.
 *
 * <p>At most {@code capacity} messages wait. While connected, a publisher that finds it full waits
 * for room (up to {@link #MAX_WAIT_SECONDS}): the node slows down to what the broker takes rather
 * than losing messages, which is the back-pressure a burst of commands meets. Threads that make
 * the room (the connection's loop, Paho's own) never wait. While disconnected, the oldest messages
 * make room, as the offline buffer always did. Whatever is dropped, either way, is counted, and
 * reported on {@code nodes/{n}/errors} once everything that waited is out.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    static final long MAX_WAIT_SECONDS = 30;

    /** One message for one topic. */
    record Outbound(String topic, MqttMessage message) {
    }

    private final int capacity;
    private final BooleanSupplier mayWait;
    private final NodeErrors errors;
    private final Deque<Outbound> waiting = new ArrayDeque<>();
    // Handed to the current client and not yet acknowledged.
    private final Map<IMqttDeliveryToken, Outbound> inFlight = new LinkedHashMap<>();
    private long droppedOffline;
    private long droppedConnected;

    /**
     * @param mayWait whether the calling thread may wait for room
     * @param errors  where drops are reported
     */
    Outbox(int capacity, BooleanSupplier mayWait, NodeErrors errors) {
        this.capacity = capacity;
        this.mayWait = mayWait;
        this.errors = errors;
    }

    /**
     * Sends at once on {@code client} when nothing waits before it; else, or when the client's window
     * is full or it is not connected, keeps it. Returns true when the message was kept for later.
     */
    boolean publish(MqttAsyncClient client, Outbound outbound, BooleanSupplier connected) {
        if (client != null && isEmpty()) {
            try {
                send(client, outbound);
                return false;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT
                        && e.getReasonCode() != MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                    LOG.warn("Publishing to {} failed: {}", outbound.topic(), PahoClients.describe(e));
                    return false;
                }
            } catch (IllegalArgumentException refused) {
                LOG.warn("Paho refused a message to {}; dropped: {}", outbound.topic(), refused.getMessage());
                return false;
            }
        }
        keep(outbound, connected);
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
            waiting.notifyAll(); // waiting publishers see the connection gone
        }
    }

    /**
     * Sends what waited, in order, while {@code connected} and as far as the client's in-flight window
     * allows; on the connection's loop. Once all is out, reports what was dropped since the last report.
     */
    void flush(MqttAsyncClient client, BooleanSupplier connected) {
        while (connected.getAsBoolean()) {
            Outbound next;
            synchronized (waiting) {
                next = waiting.peekFirst();
            }
            if (next == null) {
                reportDrops();
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
                LOG.warn("Publishing buffered message to {} failed: {}", next.topic(), PahoClients.describe(e));
            } catch (IllegalArgumentException refused) {
                // dropped, never kept: a message Paho refuses would be refused after every reconnect
                LOG.warn("Paho refused a buffered message to {}; dropped: {}", next.topic(), refused.getMessage());
            }
            synchronized (waiting) {
                waiting.pollFirst();
                waiting.notifyAll();
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

    private void keep(Outbound outbound, BooleanSupplier connected) {
        synchronized (waiting) {
            if (waiting.size() >= capacity && connected.getAsBoolean() && mayWait.getAsBoolean()) {
                awaitRoom(connected);
            }
            if (waiting.size() >= capacity) {
                waiting.removeFirst();
                if (connected.getAsBoolean()) {
                    if (droppedConnected++ == 0) {
                        LOG.warn("{} messages wait for the broker, and it takes no more: dropping the oldest", capacity);
                    }
                } else if (droppedOffline++ == 0) {
                    LOG.warn("The offline buffer of {} messages is full: dropping the oldest until the broker is back",
                            capacity);
                }
            }
            waiting.addLast(outbound);
        }
    }

    /** Waits, holding the queue's lock only while not running, until there is room, the connection goes, or time is up. */
    private void awaitRoom(BooleanSupplier connected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS);
        try {
            long left;
            while (waiting.size() >= capacity && connected.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(waiting, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reportDrops() {
        long offline;
        long connected;
        synchronized (waiting) {
            offline = droppedOffline;
            connected = droppedConnected;
            droppedOffline = 0;
            droppedConnected = 0;
        }
        if (offline + connected == 0) {
            return;
        }
        String error = "dropped " + offline + " messages while the broker was unreachable and " + connected
                + " it did not take within " + MAX_WAIT_SECONDS + " s, beyond the " + capacity
                + " that may wait (offline.buffer)";
        LOG.warn("{}", error);
        errors.report(Map.of("error", error));
    }
}
