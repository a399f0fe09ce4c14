package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.spi.fleet.FleetMessageHandler;

/**
 * The node's subscriptions at the broker: what this node's components asked for, told to the broker
 * while connected and renewed on every connect (Paho does not resubscribe), and the messages that
 * arrive handed to the handlers that match them. Thread-safe.
 */
final class BrokerSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerSubscriptions.class);
    private static final int QOS = 1;
    private static final int SUBSCRIBE_BATCH = 500;

    /** The SUBACK return code of a subscription the broker refused (MQTT 3.1.1, 3.9.3). */
    static final int REFUSED = 0x80;

    private final SubscriptionTable table = new SubscriptionTable();
    /** The filters held at QoS 0: {@link Kind#LATEST} ones no other subscriber here wants. */
    private final Set<String> latestOnly = ConcurrentHashMap.newKeySet();
    private final Supplier<MqttAsyncClient> connected;
    private final Clock clock;
    private final Consumer<String> refused;

    /**
     * @param connected the current client while connected, else null
     * @param refused   told of each topic filter the broker refused (its ACL, say): a hole in what the
     *                  node hears, which must never be silent
     */
    BrokerSubscriptions(Supplier<MqttAsyncClient> connected, Clock clock, Consumer<String> refused) {
        this.connected = connected;
        this.clock = clock;
        this.refused = refused;
    }

    /** How a filter is held at the broker. */
    enum Kind {
        /** QoS 1, for as long as a handler here wants it. */
        PLAIN,
        /** QoS 1, kept in the node's session even with no handler here. */
        DURABLE,
        /**
         * QoS 0, for periodic messages of which only the latest matters (heartbeats): no acknowledgement
         * goes back for each, and the broker queues none while the node is away. QoS 1 as soon as any
         * other subscriber here wants the filter.
         */
        LATEST
    }

    Subscription subscribe(String topicFilter, FleetMessageHandler handler, Kind kind) {
        MqttTopic.validate(topicFilter, true);
        SubscriptionTable.Added added = table.add(topicFilter, handler, kind == Kind.DURABLE);
        boolean raised = false;
        if (kind == Kind.LATEST && added.subscribeAtBroker()) {
            latestOnly.add(topicFilter);
        } else if (kind != Kind.LATEST) {
            raised = latestOnly.remove(topicFilter);
        }
        MqttAsyncClient client = connected.get();
        if ((added.subscribeAtBroker() || raised) && client != null) {
            try {
                client.subscribe(new String[] {topicFilter}, new int[] {qosOf(topicFilter)}, null,
                        new Granted(new String[] {topicFilter}));
            } catch (MqttException e) {
                LOG.warn("Subscribing to {} failed: {}; retried on the next connect", topicFilter, PahoClients.describe(e));
            }
        }
        for (SubscriptionTable.Parked early : added.early()) {
            deliver(handler, early.topic(), early.payload(), early.retained());
        }
        return new Subscription() {
            private final AtomicBoolean closed = new AtomicBoolean();

            @Override
            public String topicFilter() {
                return topicFilter;
            }

            @Override
            public void close() {
                // A durable filter stays subscribed at the broker, in this node's session.
                if (closed.compareAndSet(false, true) && table.remove(topicFilter, handler)) {
                    latestOnly.remove(topicFilter);
                    unsubscribeAtBroker(topicFilter);
                }
            }
        };
    }

    void releaseDurable(String topicFilter) {
        if (table.release(topicFilter)) {
            unsubscribeAtBroker(topicFilter);
        }
    }

    /** After a connect: what was given up meanwhile is dropped at the broker, every filter renewed. */
    void renew(MqttAsyncClient client) throws MqttException {
        for (String stale : table.takeUnsubscribes()) {
            client.unsubscribe(stale);
        }
        List<String> filters = table.filters();
        // In batches: a node holding thousands of agents has a filter for each.
        for (int from = 0; from < filters.size(); from += SUBSCRIBE_BATCH) {
            String[] batch = filters.subList(from, Math.min(filters.size(), from + SUBSCRIBE_BATCH)).toArray(String[]::new);
            int[] qos = Arrays.stream(batch).mapToInt(this::qosOf).toArray();
            client.subscribe(batch, qos, null, new Granted(batch));
        }
    }

    private int qosOf(String topicFilter) {
        return latestOnly.contains(topicFilter) ? 0 : QOS;
    }

    /** Reads the broker's SUBACK: each filter it refused is told, once per subscribe. */
    private final class Granted implements IMqttActionListener {
        private final String[] filters;

        Granted(String[] filters) {
            this.filters = filters;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            int[] granted = token.getGrantedQos();
            for (int i = 0; granted != null && i < granted.length && i < filters.length; i++) {
                if (granted[i] == REFUSED) {
                    refused.accept(filters[i]);
                }
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable failure) {
            if (failure instanceof MqttException mqtt && mqtt.getReasonCode() == REFUSED) {
                Arrays.stream(filters).forEach(refused);
            } else {
                LOG.warn("Subscribing to {} failed: {}; retried on the next connect", String.join(", ", filters),
                        PahoClients.describe(failure));
            }
        }
    }

    /** On Paho's delivery thread. */
    void arrived(String topic, MqttMessage message) {
        for (FleetMessageHandler handler : table.matchingOrPark(topic, message.getPayload(), message.isRetained(),
                clock.millis())) {
            deliver(handler, topic, message.getPayload(), message.isRetained());
        }
    }

    private void unsubscribeAtBroker(String topicFilter) {
        MqttAsyncClient client = connected.get();
        if (client == null) {
            table.unsubscribeOnConnect(topicFilter);
            return;
        }
        try {
            client.unsubscribe(topicFilter);
        } catch (MqttException e) {
            LOG.debug("Unsubscribing from {}: {}; retried on the next connect", topicFilter, PahoClients.describe(e));
            table.unsubscribeOnConnect(topicFilter);
        }
    }

    private static void deliver(FleetMessageHandler handler, String topic, byte[] payload, boolean retained) {
        try {
            handler.onMessage(topic, payload, retained);
        } catch (RuntimeException e) {
            LOG.warn("Handling a message on {} failed", topic, e);
        }
    }
}
