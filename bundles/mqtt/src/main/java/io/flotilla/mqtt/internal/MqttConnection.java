package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.SocketFactory;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.runtime.DaemonThreads;
import io.flotilla.runtime.FleetLink;
import io.flotilla.runtime.FleetMessageHandler;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.FleetTopics;

/**
 * The node's MQTT connection. A stable client id with clean session off, so the broker keeps this
 * node's subscriptions and the QoS 1 commands sent while it is away; its own reconnect loop with
 * capped, jittered back-off (Paho's is shared static state); every subscription renewed on every
 * connect; presence as a retained {@code status} message that is also the Last Will, with an
 * {@code incarnation} that rises on every connect.
 *
 * <p>Every connect attempt gets a fresh Paho client: reusing one after a lost connection can wedge
 * Paho 1.2.5 (its new sender thread stops at once on the old session's pending flows, and the
 * connect waits for it forever). What Paho would have resent, the QoS 1 messages in flight when the
 * connection went, is therefore kept here and sent again on the next connection.
 */
@Component(service = {FleetLink.class, FleetConnection.class}, configurationPid = MqttConfig.PID)
@Designate(ocd = MqttConfig.class)
public final class MqttConnection implements FleetConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final int QOS = 1;
    private static final int SUBSCRIBE_BATCH = 500;
    private static final Duration STARTUP_GRACE = Duration.ofSeconds(10);

    /** Where the connection is. */
    enum State { CONNECTING, CONNECTED, DISCONNECTED, STOPPED }

    private final MqttSettings settings;
    private final FleetTopics topics;
    private final Wire wire;
    private final Clock clock = Clock.systemUTC();
    // A new one for every connect attempt; null before the first.
    private volatile MqttAsyncClient client;
    // QoS 1 messages handed to the current client and not yet acknowledged; guarded by offline.
    private final Map<IMqttDeliveryToken, Outbound> inFlight = new LinkedHashMap<>();
    private final SocketFactory socketFactory;
    private final ScheduledExecutorService loop;
    private final SubscriptionTable subscriptions = new SubscriptionTable();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Deque<Outbound> offline = new ArrayDeque<>();

    private volatile State state = State.DISCONNECTED;
    private volatile long incarnation;
    private final long quietUntil;
    // Touched only on the loop thread.
    private int failures;
    private String lastFailure;
    private int dropped;

    private record Outbound(String topic, MqttMessage message) {
    }

    @Activate
    public MqttConnection(MqttConfig config, @Reference NodeIdentity node) throws Exception {
        this(MqttSettings.from(config, node.name(), System::getenv), node.name());
    }

    MqttConnection(MqttSettings settings, String nodeName) throws Exception {
        this.settings = settings;
        this.topics = new FleetTopics(settings.topicPrefix(), nodeName);
        this.wire = new Wire(clock);
        this.quietUntil = clock.millis() + STARTUP_GRACE.toMillis();
        this.socketFactory = settings.socketFactory();
        this.loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flotilla-mqtt"));
        LOG.info("Node {} joins the fleet through {} as client {}", nodeName, settings.broker(), settings.clientId());
        loop.execute(this::connect);
    }

    @Deactivate
    void deactivate() {
        State before = state;
        state = State.STOPPED;
        loop.shutdownNow();
        MqttAsyncClient current = client;
        if (current == null) {
            return;
        }
        try {
            if (before == State.CONNECTED) {
                // A clean disconnect sends no Will: say goodbye ourselves, retained like the Will.
                current.publish(topics.own("status"), statusMessage("offline", incarnation, "stopped"))
                        .waitForCompletion(2000);
                current.disconnect(2000).waitForCompletion(3000);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnecting from {}: {}", settings.broker(), e.getMessage());
        } finally {
            try {
                current.close(true);
            } catch (MqttException e) {
                LOG.debug("Closing the MQTT client: {}", e.getMessage());
            }
        }
        LOG.info("Node {} left the fleet", topics.node());
    }

    // ---------------------------------------------------------------- connecting

    private MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient fresh = new MqttAsyncClient(settings.serverUris().get(0), settings.clientId(), new MemoryPersistence());
        fresh.setCallback(new CurrentClientOnly(fresh));
        return fresh;
    }

    private void connect() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.CONNECTING;
        long attempt = Math.max(incarnation + 1, clock.millis());
        incarnation = attempt;
        MqttConnectOptions options = options(attempt);
        retire(client);
        try {
            client = newClient();
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    // connectComplete follows
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    runOnLoop(() -> {
                        if (state == State.CONNECTING && incarnation == attempt) {
                            connectFailed(failure);
                        }
                    });
                }
            });
            // Paho bounds the TCP connect, not the wait for the CONNACK: an attempt gets twice the connect timeout.
            loop.schedule(() -> abandonIfHung(attempt), 2L * settings.connectTimeout(), TimeUnit.SECONDS);
        } catch (MqttException e) {
            connectFailed(e);
        }
    }

    /** Gives up an attempt that neither succeeded nor failed in time; the next attempt has a new client. */
    private void abandonIfHung(long attempt) {
        if (state != State.CONNECTING || incarnation != attempt) {
            return;
        }
        LOG.warn("Connecting to {} did not finish within {} s; trying again", settings.broker(), 2 * settings.connectTimeout());
        connectFailed(new java.util.concurrent.TimeoutException("no answer within " + 2 * settings.connectTimeout() + " s"));
    }

    /** Ends a client that is done with: its connection closed, its threads stopped. Loop thread. */
    private void retire(MqttAsyncClient old) {
        if (old == null) {
            return;
        }
        try {
            old.disconnectForcibly(0, 100, false);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Disconnecting a finished MQTT client: {}", e.getMessage());
        }
        try {
            old.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Closing a finished MQTT client: {}", e.getMessage());
        }
    }

    /** Connect options for one attempt: its Will carries this attempt's incarnation. */
    private MqttConnectOptions options(long generation) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setServerURIs(settings.serverUris().toArray(String[]::new));
        options.setCleanSession(false);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(settings.keepAlive());
        options.setConnectionTimeout(settings.connectTimeout());
        options.setMaxInflight(settings.maxInflight());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setSocketFactory(socketFactory);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password());
        }
        options.setWill(topics.own("status"), statusMessage("offline", generation, "connection lost").getPayload(), QOS, true);
        return options;
    }

    private MqttMessage statusMessage(String status, long generation, String reason) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("node", topics.node());
        payload.put("status", status);
        payload.put("incarnation", generation);
        payload.put("timestamp", wire.now());
        if (reason != null) {
            payload.put("reason", reason);
        }
        MqttMessage message = new MqttMessage(wire.encode(payload));
        message.setQos(QOS);
        message.setRetained(true);
        return message;
    }

    private void connectFailed(Throwable failure) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.DISCONNECTED;
        failures++;
        Duration delay = backoff();
        String reason = describe(failure);
        if (clock.millis() < quietUntil) {
            // At boot the node's own broker may still be starting: not worth a warning yet.
            LOG.info("Broker at {} not reachable yet ({}); retrying", settings.broker(), reason);
        } else if (!reason.equals(lastFailure)) {
            LOG.warn("Cannot connect to the broker at {}: {}. Retrying, at most {} s apart", settings.broker(), reason,
                    settings.reconnectMax().toMillis() / 1000.0);
            lastFailure = reason;
        } else {
            LOG.debug("Connect attempt {} to {} failed: {}; next in {} ms", failures, settings.broker(), reason,
                    delay.toMillis());
        }
        loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code min(reconnect.min * 2^(failures-1), reconnect.max)}, spread over its upper half. */
    private Duration backoff() {
        long base = settings.reconnectMin().toMillis() << Math.min(20, Math.max(0, failures - 1));
        long capped = Math.min(base, settings.reconnectMax().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private void connectComplete(boolean reconnect, String serverUri) {
        runOnLoop(() -> onConnected(serverUri));
    }

    private void onConnected(String serverUri) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.CONNECTED;
        if (failures > 0) {
            LOG.info("Connected to {} after {} failed attempts (incarnation {})", serverUri, failures, incarnation);
        } else {
            LOG.info("Connected to {} (incarnation {})", serverUri, incarnation);
        }
        failures = 0;
        lastFailure = null;
        try {
            client.publish(topics.own("status"), statusMessage("online", incarnation, null));
            for (String stale : subscriptions.takeUnsubscribes()) {
                client.unsubscribe(stale);
            }
            List<String> filters = subscriptions.filters();
            // In batches: a node holding thousands of agents has a filter for each.
            for (int from = 0; from < filters.size(); from += SUBSCRIBE_BATCH) {
                String[] batch = filters.subList(from, Math.min(filters.size(), from + SUBSCRIBE_BATCH)).toArray(String[]::new);
                int[] qos = new int[batch.length];
                Arrays.fill(qos, QOS);
                client.subscribe(batch, qos);
            }
        } catch (MqttException e) {
            LOG.warn("Could not announce the node or renew its subscriptions on {}: {}", settings.broker(), describe(e));
        }
        flushOffline();
        for (Listener listener : listeners) {
            try {
                listener.connected(incarnation);
            } catch (RuntimeException e) {
                LOG.warn("A connection listener failed", e);
            }
        }
    }

    private void connectionLost(Throwable cause) {
        runOnLoop(() -> {
            if (state == State.STOPPED) {
                return;
            }
            state = State.DISCONNECTED;
            LOG.warn("Lost the connection to {}: {}. Reconnecting", settings.broker(), describe(cause));
            resendInFlight();
            listeners.forEach(Listener::disconnected);
            failures = 1;
            loop.schedule(this::connect, backoff().toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    private void runOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            LOG.debug("MQTT event after stop ignored");
        }
    }

    // ---------------------------------------------------------------- publishing

    /** Hands a message to the current client, remembering it until the broker acknowledges it. */
    private void send(Outbound outbound) throws MqttException {
        IMqttDeliveryToken token = client.publish(outbound.topic(), outbound.message());
        synchronized (offline) {
            if (!token.isComplete()) {
                inFlight.put(token, outbound);
            }
        }
    }

    /** The connection went: what it did not acknowledge goes first when the next one is up. Loop thread. */
    private void resendInFlight() {
        synchronized (offline) {
            List<Outbound> unacknowledged = new ArrayList<>(inFlight.values());
            inFlight.clear();
            for (int i = unacknowledged.size() - 1; i >= 0; i--) {
                offline.addFirst(unacknowledged.get(i));
            }
        }
    }

    @Override
    public void publish(String topic, Object payload, boolean retained) {
        MqttMessage message = new MqttMessage(wire.encode(payload));
        message.setQos(QOS);
        message.setRetained(retained);
        if (state == State.CONNECTED && offlineEmpty()) {
            try {
                send(new Outbound(topic, message));
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT
                        && e.getReasonCode() != MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                    LOG.warn("Publishing to {} failed: {}", topic, describe(e));
                    return;
                }
            }
        }
        keepForLater(new Outbound(topic, message));
    }

    @Override
    public void publishTransient(String topic, Object payload) {
        MqttMessage message = new MqttMessage(wire.encode(payload));
        message.setQos(0);
        if (state != State.CONNECTED) {
            LOG.debug("Not connected: the message to {} is dropped", topic);
            return;
        }
        try {
            client.publish(topic, message);
        } catch (MqttException e) {
            LOG.debug("The message to {} is dropped: {}", topic, describe(e));
        }
    }

    private boolean offlineEmpty() {
        synchronized (offline) {
            return offline.isEmpty();
        }
    }

    private void keepForLater(Outbound outbound) {
        synchronized (offline) {
            if (offline.size() >= settings.offlineBuffer()) {
                offline.removeFirst();
                if (dropped++ == 0) {
                    LOG.warn("The offline buffer of {} messages is full: dropping the oldest until the broker is back",
                            settings.offlineBuffer());
                }
            }
            offline.addLast(outbound);
        }
        if (state == State.CONNECTED) {
            runOnLoop(this::flushOffline);
        }
    }

    /** Sends what waited, in order, as far as the in-flight window allows. Loop thread. */
    private void flushOffline() {
        while (state == State.CONNECTED) {
            Outbound next;
            synchronized (offline) {
                next = offline.peekFirst();
            }
            if (next == null) {
                dropped = 0;
                return;
            }
            try {
                send(next);
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                    return; // deliveryComplete calls again
                }
                LOG.warn("Publishing buffered message to {} failed: {}", next.topic(), describe(e));
            }
            synchronized (offline) {
                offline.pollFirst();
            }
        }
    }

    private void deliveryComplete(IMqttDeliveryToken token) {
        synchronized (offline) {
            inFlight.remove(token);
        }
        if (!offlineEmpty()) {
            runOnLoop(this::flushOffline);
        }
    }

    // ---------------------------------------------------------------- subscribing

    @Override
    public Subscription subscribe(String topicFilter, FleetMessageHandler handler) {
        return subscribe(topicFilter, handler, false);
    }

    @Override
    public Subscription subscribeDurable(String topicFilter, FleetMessageHandler handler) {
        return subscribe(topicFilter, handler, true);
    }

    private Subscription subscribe(String topicFilter, FleetMessageHandler handler, boolean durable) {
        MqttTopic.validate(topicFilter, true);
        SubscriptionTable.Added added = subscriptions.add(topicFilter, handler, durable);
        if (added.subscribeAtBroker() && state == State.CONNECTED) {
            try {
                client.subscribe(topicFilter, QOS);
            } catch (MqttException e) {
                LOG.warn("Subscribing to {} failed: {}; retried on the next connect", topicFilter, describe(e));
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
                if (closed.compareAndSet(false, true) && subscriptions.remove(topicFilter, handler)) {
                    unsubscribeAtBroker(topicFilter);
                }
            }
        };
    }

    @Override
    public void releaseDurable(String topicFilter) {
        if (subscriptions.release(topicFilter)) {
            unsubscribeAtBroker(topicFilter);
        }
    }

    private void unsubscribeAtBroker(String topicFilter) {
        if (state != State.CONNECTED) {
            subscriptions.unsubscribeOnConnect(topicFilter);
            return;
        }
        try {
            client.unsubscribe(topicFilter);
        } catch (MqttException e) {
            LOG.debug("Unsubscribing from {}: {}; retried on the next connect", topicFilter, describe(e));
            subscriptions.unsubscribeOnConnect(topicFilter);
        }
    }

    /** Paho's callbacks, passed on only while they come from the current client, not an abandoned one. */
    private final class CurrentClientOnly implements MqttCallbackExtended {
        private final MqttAsyncClient owner;

        CurrentClientOnly(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            if (owner == client) {
                MqttConnection.this.connectComplete(reconnect, serverURI);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (owner == client) {
                MqttConnection.this.connectionLost(cause);
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (owner == client) {
                MqttConnection.this.messageArrived(topic, message);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            if (owner == client) {
                MqttConnection.this.deliveryComplete(token);
            }
        }
    }

    private void messageArrived(String topic, MqttMessage message) {
        for (FleetMessageHandler handler : subscriptions.matchingOrPark(topic, message.getPayload(), message.isRetained(),
                clock.millis())) {
            deliver(handler, topic, message.getPayload(), message.isRetained());
        }
    }

    private static void deliver(FleetMessageHandler handler, String topic, byte[] payload, boolean retained) {
        try {
            handler.onMessage(topic, payload, retained);
        } catch (RuntimeException e) {
            LOG.warn("Handling a message on {} failed", topic, e);
        }
    }

    // ---------------------------------------------------------------- FleetConnection

    @Override
    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    @Override
    public long incarnation() {
        return incarnation;
    }

    @Override
    public String broker() {
        return settings.broker();
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
        if (state == State.CONNECTED) {
            long current = incarnation;
            runOnLoop(() -> listener.connected(current));
        }
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public FleetTopics topics() {
        return topics;
    }

    @Override
    public int maxCommandBytes() {
        return settings.maxCommandBytes();
    }

    State state() {
        return state;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (failure instanceof MqttException mqtt && cause == failure) {
            return mqtt.getMessage() + " (reason " + mqtt.getReasonCode() + ")";
        }
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
