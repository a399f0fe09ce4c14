package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Subscription;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetMessageHandler;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.util.DaemonThreads;
import io.flotilla.util.MqttTopics;

/**
 * The node's MQTT connection: its own reconnect loop with capped, jittered back-off
 * ({@link Reconnects}; Paho's is shared static state), the node's {@link Presence} (retained status, Last Will, an
 * {@code incarnation} that rises on every connect), its {@link BrokerSubscriptions}, renewed on
 * every connect, and its {@link Outbox} of QoS 1 messages. Connection events run on the loop thread.
 *
 * <p>Every connect attempt gets a fresh Paho client: reusing one after a lost connection can wedge
 * Paho 1.2.5 (its new sender thread stops at once on the old session's pending flows, and the
 * connect waits for it forever).
 */
@Component(service = {FleetLink.class, FleetConnection.class}, configurationPid = MqttConfig.PID)
@Designate(ocd = MqttConfig.class)
public final class MqttConnection implements FleetConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    /** Where the connection is. */
    enum State { CONNECTING, CONNECTED, DISCONNECTED, STOPPED }

    private final MqttSettings settings;
    private final FleetTopics topics;
    private final Wire wire;
    private final Clock clock = Clock.systemUTC();
    private final Presence presence;
    private final Outbox outbox;
    private final BrokerSubscriptions subscriptions;
    private final ScheduledExecutorService loop;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Reconnects reconnects;
    private final NodeErrors errors;
    private final InboundLimits inbound;
    // Threads that must never wait for room in the outbox: the loop, which makes the room, and Paho's,
    // which take the broker's acknowledgements that make it.
    private final ThreadLocal<Boolean> mustNotWait = ThreadLocal.withInitial(() -> false);

    // A new one for every connect attempt; null before the first.
    private volatile MqttAsyncClient client;
    private volatile State state = State.DISCONNECTED;
    private volatile long incarnation;

    @Activate
    public MqttConnection(MqttConfig config, @Reference NodeIdentity node, BundleContext context) throws Exception {
        this(MqttSettings.checked(config, node.name(), node.dataDirectory()), node.name(),
                NodeIds.of(NodeIds.file(node.dataDirectory())), why -> NodeStop.framework(context, why));
    }

    MqttConnection(MqttSettings settings, String nodeName) throws Exception {
        this(settings, nodeName, UUID.randomUUID().toString(), why -> { });
    }

    /** @param giveWay stops the node when another installation holds its name ({@link NameClaim}) */
    MqttConnection(MqttSettings settings, String nodeName, String nodeId, Consumer<String> giveWay) throws Exception {
        this.settings = settings;
        this.topics = new FleetTopics(settings.topicPrefix(), nodeName);
        this.wire = new Wire(clock);
        this.inbound = new InboundLimits(settings.maxMessageBytes(), settings.maxTransferBytes(),
                Set.of(topics.own("migrate_in"), topics.own("task_forward"), topics.replies(), topics.replies() + "/"));
        this.presence = new Presence(settings, topics, wire, settings.socketFactory(inbound), nodeId);
        this.errors = new NodeErrors(topics, wire, (topic, report) -> publish(topic, report, false));
        this.outbox = new Outbox(settings.offlineBuffer(), () -> !mustNotWait.get(), errors);
        this.subscriptions = new BrokerSubscriptions(() -> state == State.CONNECTED ? client : null, clock,
                filter -> errors.refusedSubscription(filter, settings.clientId()));
        this.reconnects = new Reconnects(settings, clock);
        ThreadFactory loopThreads = DaemonThreads.named("flotilla-mqtt");
        this.loop = Executors.newSingleThreadScheduledExecutor(task -> loopThreads.newThread(() -> {
            mustNotWait.set(true);
            task.run();
        }));
        NameClaim claim = new NameClaim(nodeName, nodeId, presence::since, wire, () -> runOnLoop(this::announce), giveWay);
        subscriptions.subscribe(presence.topic(), claim, BrokerSubscriptions.Kind.PLAIN); // before the first connect: its retained status counts
        listeners.add(claim);
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
                current.publish(presence.topic(), presence.status("offline", incarnation, "stopped")).waitForCompletion(2000);
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

    // ---------------------------------------------------------------- connecting (loop thread)

    private void connect() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.CONNECTING;
        long attempt = incarnation = settings.incarnations().next(); // above every earlier one, across restarts too
        PahoClients.retire(client);
        inbound.clear();
        try {
            MqttAsyncClient fresh = new MqttAsyncClient(settings.serverUris().get(0), settings.clientId(), new MemoryPersistence());
            fresh.setCallback(new CurrentClientOnly(fresh));
            client = fresh;
            fresh.connect(presence.options(attempt), null, new IMqttActionListener() {
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
        connectFailed(new TimeoutException("no answer within " + 2 * settings.connectTimeout() + " s"));
    }

    private void connectFailed(Throwable failure) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.DISCONNECTED;
        loop.schedule(this::connect, reconnects.failed(PahoClients.describe(failure)).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onConnected(String serverUri) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.CONNECTED;
        int failed = reconnects.connected();
        LOG.info("Connected to {}{} (incarnation {})", serverUri, failed > 0 ? " after " + failed + " failed attempts" : "",
                incarnation);
        try {
            // Subscribed before it says online (packets are taken in order): a fresh session has no queue before
            subscriptions.renew(client);
        } catch (MqttException e) {
            LOG.warn("Could not renew the node's subscriptions on {}: {}", settings.broker(), PahoClients.describe(e));
        }
        announce();
        flush();
        for (Listener listener : listeners) {
            try {
                listener.connected(incarnation);
            } catch (RuntimeException e) {
                LOG.warn("A connection listener failed", e);
            }
        }
    }

    /** Says online, retained: on every connect, and again when another's goodbye covered it. */
    private void announce() {
        try {
            if (state == State.CONNECTED) {
                client.publish(presence.topic(), presence.status("online", incarnation, null));
            }
        } catch (MqttException e) {
            LOG.warn("Could not announce the node on {}: {}", settings.broker(), PahoClients.describe(e));
        }
    }

    private void onConnectionLost(Throwable cause) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.DISCONNECTED;
        LOG.warn("Lost the connection to {}: {}. Reconnecting", settings.broker(), PahoClients.describe(cause));
        outbox.connectionLost();
        listeners.forEach(Listener::disconnected);
        loop.schedule(this::connect, reconnects.lost().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void flush() {
        outbox.flush(client, () -> state == State.CONNECTED);
    }

    private void runOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("MQTT event after stop ignored");
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
                runOnLoop(() -> onConnected(serverURI));
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (owner == client) {
                runOnLoop(() -> onConnectionLost(cause));
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (owner != client) {
                return;
            }
            mustNotWait.set(true);
            try {
                if (!inbound.reportRefusal(topic, message, errors)) {
                    subscriptions.arrived(topic, message);
                }
            } catch (RuntimeException e) {
                // Thrown back to Paho, it would drop the connection, and the broker would send the
                // message again on the next one.
                LOG.warn("A message on {} could not be handled", MqttTopics.printable(topic), e);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            mustNotWait.set(true);
            if (owner == client && outbox.delivered(token)) {
                runOnLoop(MqttConnection.this::flush);
            }
        }
    }

    // ---------------------------------------------------------------- FleetLink

    @Override
    public void publish(String topic, Object payload, boolean retained) {
        if (!PahoClients.publishable(topic)) {
            return;
        }
        MqttMessage message = new MqttMessage(wire.encode(payload));
        message.setQos(Presence.QOS);
        message.setRetained(retained);
        boolean kept = outbox.publish(state == State.CONNECTED ? client : null, new Outbox.Outbound(topic, message),
                () -> state == State.CONNECTED);
        if (kept && state == State.CONNECTED) {
            runOnLoop(this::flush);
        }
    }

    @Override
    public void publishTransient(String topic, Object payload) {
        if (PahoClients.publishable(topic)) {
            PahoClients.publishAtMostOnce(state == State.CONNECTED ? client : null, topic, wire.encode(payload));
        }
    }

    @Override
    public Subscription subscribe(String topicFilter, FleetMessageHandler handler) {
        return subscriptions.subscribe(topicFilter, handler, BrokerSubscriptions.Kind.PLAIN);
    }

    @Override
    public Subscription subscribeLatest(String topicFilter, FleetMessageHandler handler) {
        return subscriptions.subscribe(topicFilter, handler, BrokerSubscriptions.Kind.LATEST);
    }

    @Override
    public Subscription subscribeDurable(String topicFilter, FleetMessageHandler handler) {
        return subscriptions.subscribe(topicFilter, handler, BrokerSubscriptions.Kind.DURABLE);
    }

    @Override
    public void releaseDurable(String topicFilter) {
        subscriptions.releaseDurable(topicFilter);
    }

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
    public int maxTaskBytes() {
        return settings.maxTaskBytes();
    }

    @Override
    public Map<String, Object> identity() {
        return settings.tls() == null ? Map.of() : settings.tls().describe(clock.instant());
    }
}
