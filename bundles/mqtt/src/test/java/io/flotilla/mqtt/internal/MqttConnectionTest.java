package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.mqtt.testing.Await;
import io.flotilla.mqtt.testing.Configs;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;

/** The node's MQTT connection against a real Mosquitto: presence, subscriptions, reconnects, sessions. */
class MqttConnectionTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private MosquittoBroker broker;
    private MqttProbe probe;
    private MqttConnection connection;

    @BeforeEach
    void startBroker() throws Exception {
        assumeTrue(MosquittoBroker.require(), "mosquitto is not installed (apt-get install mosquitto)");
        broker = MosquittoBroker.start(directory.resolve("broker"));
        probe = new MqttProbe(broker.url()).subscribe("nodes/#", "t/#");
    }

    @AfterEach
    void stopAll() throws Exception {
        if (connection != null) {
            connection.deactivate();
        }
        if (probe != null) {
            probe.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private MqttConnection connect(String node, int port) throws Exception {
        MqttSettings settings = MqttSettings.from(Configs.of(MqttConfig.class, Map.of(
                "broker_port", port, "reconnect_min", 0.05, "reconnect_max", 0.5)), node);
        return new MqttConnection(settings, node);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, LIMIT, condition);
    }

    @Test
    void aConnectedNodeIsOnlineWithARetainedStatus() throws Exception {
        connection = connect("alpha", broker.port());

        Map<String, Object> status = probe.awaitJson("nodes/alpha/status", "status", "online", LIMIT);

        assertEquals(((Number) status.get("incarnation")).longValue(), connection.incarnation());
        try (MqttProbe late = new MqttProbe(broker.url()).subscribe("nodes/alpha/status")) {
            assertTrue(late.await("nodes/alpha/status", s -> true, LIMIT).retained(), "a late observer gets it retained");
        }
    }

    @Test
    void aStoppedNodeSaysOfflineItself() throws Exception {
        connection = connect("beta", broker.port());
        probe.awaitJson("nodes/beta/status", "status", "online", LIMIT);

        connection.deactivate();
        connection = null;

        Map<String, Object> offline = probe.awaitJson("nodes/beta/status", "status", "offline", LIMIT);
        assertEquals("stopped", offline.get("reason"));
    }

    @Test
    void subscriptionsDeliverAndComeBackAfterABrokerRestart() throws Exception {
        connection = connect("gamma", broker.port());
        List<String> received = new CopyOnWriteArrayList<>();
        connection.subscribe("t/+/in", (topic, payload, retained) -> received.add(new String(payload, StandardCharsets.UTF_8)));
        await("connected", connection::isConnected);
        long firstIncarnation = connection.incarnation();
        probe.publish("t/1/in", "one", true); // retained: it must not depend on when the subscription lands
        await("the first message", () -> received.contains("one"));

        broker.restart();
        await("the reconnect", () -> connection.isConnected() && connection.incarnation() > firstIncarnation);
        probe.close();
        probe = new MqttProbe(broker.url()).subscribe("t/#");
        probe.publish("t/2/in", "two", true);

        await("a message after the restart", () -> received.contains("two"));
    }

    @Test
    void messagesPublishedWhileTheBrokerIsDownAreSentWhenItIsBack() throws Exception {
        connection = connect("delta", broker.port());
        await("connected", connection::isConnected);
        try (MqttProbe consumer = MqttProbe.persistent(broker.url(), "delta-consumer").subscribe("t/buffered")) {
            broker.stop();
            await("the loss noticed", () -> !connection.isConnected());
            connection.publish("t/buffered", Map.of("n", 1), false);
            connection.publish("t/buffered", Map.of("n", 2), false);
            broker.restart();

            consumer.await("t/buffered", s -> s.text().equals("{\"n\":2}"), LIMIT);
            assertEquals(List.of("{\"n\":1}", "{\"n\":2}"),
                    consumer.seenOn("t/buffered").stream().map(MqttProbe.Seen::text).toList());
        }
    }

    @Test
    void commandsSentWhileTheNodeIsAwayArriveWhenItReconnects() throws Exception {
        connection = connect("epsilon", broker.port());
        var commands = connection.subscribeDurable("nodes/epsilon/spawn", (topic, payload, retained) -> { });
        SubscriptionsSent.await(connection, LIMIT);
        commands.close(); // as the node's components do when it shuts down
        connection.deactivate();
        connection = null;

        probe.publish("nodes/epsilon/spawn", "{\"name\": \"while-away\", \"type\": \"echo\"}");

        connection = connect("epsilon", broker.port());
        List<String> received = new CopyOnWriteArrayList<>();
        connection.subscribe("nodes/epsilon/spawn", (topic, payload, retained) -> received.add(new String(payload, StandardCharsets.UTF_8)));
        await("the command queued by the broker for this node's session", () -> received.stream().anyMatch(p -> p.contains("while-away")));
    }

    @Test
    void anOrdinarySubscriptionClosedBeforeLeavingIsNotKeptByTheBroker() throws Exception {
        connection = connect("eta", broker.port());
        var agentSubscription = connection.subscribe("t/agent-feed", (topic, payload, retained) -> { });
        var marker = connection.subscribeDurable("t/marker", (topic, payload, retained) -> { });
        SubscriptionsSent.await(connection, LIMIT);
        agentSubscription.close();
        marker.close();
        connection.deactivate();

        probe.publish("t/agent-feed", "not for a stopped agent");
        probe.publish("t/marker", "for the node");

        connection = connect("eta", broker.port());
        List<String> received = new CopyOnWriteArrayList<>();
        connection.subscribe("t/#", (topic, payload, retained) -> received.add(topic));
        await("the durable one", () -> received.contains("t/marker"));
        assertTrue(!received.contains("t/agent-feed"), received.toString());
    }

    @Test
    void aReleasedDurableSubscriptionIsNoLongerKeptByTheBroker() throws Exception {
        connection = connect("theta", broker.port());
        var departed = connection.subscribeDurable("t/departed/task", (topic, payload, retained) -> { });
        var staying = connection.subscribeDurable("t/staying/task", (topic, payload, retained) -> { });
        SubscriptionsSent.await(connection, LIMIT);
        departed.close();
        connection.releaseDurable("t/departed/task"); // as for an agent that moved to another node
        staying.close();
        connection.deactivate();

        probe.publish("t/departed/task", "for an agent that left");
        probe.publish("t/staying/task", "for an agent still here");

        connection = connect("theta", broker.port());
        List<String> received = new CopyOnWriteArrayList<>();
        connection.subscribe("t/#", (topic, payload, retained) -> received.add(topic));
        await("the task kept for the agent still here", () -> received.contains("t/staying/task"));
        assertTrue(!received.contains("t/departed/task"), received.toString());
    }

    @Test
    void heartbeatsSubscribedForTheLatestAreNotQueuedWhileTheNodeIsAway() throws Exception {
        connection = connect("kappa", broker.port());
        connection.subscribeLatest("t/beat", (topic, payload, retained) -> { });
        connection.subscribe("t/event", (topic, payload, retained) -> { });
        connection.subscribeLatest("t/both", (topic, payload, retained) -> { });
        connection.subscribe("t/both", (topic, payload, retained) -> { }); // a second subscriber wants every one
        SubscriptionsSent.await(connection, LIMIT);
        connection.deactivate();

        probe.publish("t/beat", "a heartbeat, stale by the time the node is back");
        probe.publish("t/event", "an event");
        probe.publish("t/both", "wanted by a subscriber at QoS 1");

        connection = connect("kappa", broker.port());
        List<String> received = new CopyOnWriteArrayList<>();
        connection.subscribe("t/#", (topic, payload, retained) -> received.add(topic));
        await("what was queued at QoS 1", () -> received.containsAll(List.of("t/event", "t/both")));
        assertTrue(!received.contains("t/beat"), received.toString());
    }

    @Test
    void aTopicReachesItsExactAndItsWildcardSubscribers() throws Exception {
        connection = connect("iota", broker.port());
        List<String> received = new CopyOnWriteArrayList<>();
        connection.subscribe("t/one/task", (topic, payload, retained) -> received.add("exact"));
        connection.subscribe("t/+/task", (topic, payload, retained) -> received.add("wildcard"));
        connection.subscribe("t/two/task", (topic, payload, retained) -> received.add("another exact"));
        // Retained, so it arrives whenever the broker takes the subscriptions, which it may do
        // after the node reports itself connected; an ordinary message could slip in before them.
        // The broker sends a retained message once per matching filter: count nothing here.
        probe.publish("t/one/task", "x", true);

        await("both subscribers", () -> received.containsAll(List.of("exact", "wildcard")));
        assertTrue(!received.contains("another exact"), received.toString());
    }

    @Test
    void aNodeStartedBeforeItsBrokerConnectsOnceTheBrokerIsThere() throws Exception {
        int port = MosquittoBroker.freePort();
        connection = connect("zeta", port);
        Thread.onSpinWait();
        assertTrue(!connection.isConnected());

        try (MosquittoBroker late = MosquittoBroker.startOn(directory.resolve("late"), port);
             MqttProbe lateProbe = new MqttProbe(late.url()).subscribe("nodes/zeta/status")) {
            lateProbe.awaitJson("nodes/zeta/status", "status", "online", LIMIT);
            connection.deactivate();
            connection = null;
        }
    }

    @Test
    void ofTwoInstallationsGivenOneNameTheSecondGivesWayAndTheFirstStaysOnline() throws Exception {
        MqttSettings settings = MqttSettings.from(Configs.of(MqttConfig.class, Map.of(
                "broker_port", broker.port(), "reconnect_min", 0.05, "reconnect_max", 0.5)), "twin");
        List<String> firstGaveWay = new CopyOnWriteArrayList<>();
        List<String> secondGaveWay = new CopyOnWriteArrayList<>();
        connection = new MqttConnection(settings, "twin", "installation-1", firstGaveWay::add);
        probe.awaitJson("nodes/twin/status", "node_id", "installation-1", LIMIT);

        MqttConnection second = new MqttConnection(settings, "twin", "installation-2", secondGaveWay::add);
        try {
            // Each connect drops the other from their one session, until the second sees the first come back.
            await("the second installation to give way", () -> !secondGaveWay.isEmpty());
        } finally {
            second.deactivate(); // as its node stops
        }

        assertTrue(secondGaveWay.get(0).startsWith("node name twin is already online (incarnation "), secondGaveWay.get(0));
        assertTrue(secondGaveWay.get(0).contains("node id installation-1"), secondGaveWay.get(0));
        assertEquals(List.of(), firstGaveWay);
        await("the first installation online, retained, and connected", () -> connection.isConnected());
        try (MqttProbe late = new MqttProbe(broker.url()).subscribe("nodes/twin/status")) {
            late.awaitJson("nodes/twin/status", "node_id", "installation-1", LIMIT, s -> "online".equals(s.get("status")));
        }
    }
}
