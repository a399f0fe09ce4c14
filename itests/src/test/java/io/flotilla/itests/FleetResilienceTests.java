package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.After;
import org.junit.Test;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * Nodes and brokers that stop, die and come back: what the fleet sees over MQTT, and that nothing
 * is lost. Each test starts its own fleet. Subclasses choose the broker.
 */
public abstract class FleetResilienceTests {

    private static final Duration LIMIT = Fleet.LIMIT;
    private Fleet fleet;

    protected abstract Fleet.BrokerKind broker();

    private Fleet start(String test, String... nodes) throws Exception {
        fleet = Fleet.start(broker(), Installation.unpack("resilience-" + broker().name().toLowerCase() + "-" + test), nodes);
        return fleet;
    }

    @After
    public void stop() throws Exception {
        Fleet.closeChecked(fleet);
    }

    private static long ask(MqttProbe probe, String agent, String payload, String id) throws Exception {
        probe.publish("agents/by-name/" + agent + "/task",
                "{\"payload\": " + payload + ", \"_reply_topic\": \"test/replies\", \"request_id\": \"" + id + "\"}");
        Object result = probe.awaitJson("test/replies", "request_id", id, LIMIT).get("result");
        return ((Number) result).longValue();
    }

    private static long incarnationOnline(MqttProbe probe, String node, long after) {
        return ((Number) probe.await("nodes/" + node + "/status", s -> "online".equals(s.json().get("status"))
                && ((Number) s.json().get("incarnation")).longValue() > after, LIMIT).json().get("incarnation")).longValue();
    }

    @Test
    public void aRestartedNodeBringsItsAgentsTheirStateAndItsViewOfTheFleetBack() throws Exception {
        start("restart", "hub", "west");
        MqttProbe probe = fleet.probe("nodes/#", "agents/#", "test/#");
        probe.publish("nodes/west/spawn", "{\"name\": \"west-counter\", \"type\": \"counter\", \"poll_interval\": 0.1, "
                + "\"request_id\": \"s1\", \"reply_to\": \"test/results\"}");
        probe.awaitJson("test/results", "request_id", "s1", LIMIT);
        long before = 0;
        for (int i = 0; before < 10; i++) {
            before = ask(probe, "west-counter", "\"get\"", "before-" + i);
        }
        long firstIncarnation = incarnationOnline(probe, "west", 0);

        int exit = fleet.node("west").stop();
        assertTrue("exit " + exit, exit == 0 || exit == 143);
        probe.awaitJson("nodes/west/status", "reason", "stopped", LIMIT);
        NodeProcess west = fleet.startNode("west").awaitStarted();

        incarnationOnline(probe, "west", firstIncarnation);
        long after = ask(probe, "west-counter", "\"get\"", "after");
        assertTrue("counting on from " + before + ": " + after, after >= before);

        west.awaitConsole("Fleet registry of node west: 2 known nodes, offline until heard from", LIMIT);
        west.awaitConsole("Fleet: node hub is online", LIMIT);
        Duration known = Duration.between(west.printedAt("Connected to").orElseThrow(),
                west.printedAt("Fleet: node hub is online").orElseThrow());
        System.out.println("The restarted node knew the fleet again " + known.toMillis() + " ms after connecting");
        assertTrue("the fleet known again " + known.toMillis() + " ms after connecting", known.toMillis() <= 2000);
    }

    @Test
    public void aKilledNodeIsReportedOfflineThroughItsLastWill() throws Exception {
        start("kill", "hub", "doomed");
        MqttProbe probe = fleet.probe("nodes/+/status");
        long incarnation = incarnationOnline(probe, "doomed", 0);

        fleet.node("doomed").kill();

        Map<String, Object> will = probe.awaitJson("nodes/doomed/status", "status", "offline", LIMIT);
        assertEquals("connection lost", will.get("reason"));
        assertEquals(incarnation, ((Number) will.get("incarnation")).longValue());
        try (MqttProbe late = new MqttProbe(fleet.brokerUrl())) {
            late.subscribe("nodes/doomed/status");
            assertEquals("a later observer learns it from the retained status", "offline",
                    late.await("nodes/doomed/status", s -> true, LIMIT).json().get("status"));
        }
    }

    @Test
    public void nodesReconnectByThemselvesAfterABrokerRestartAndReconcileTheirDesiredState() throws Exception {
        start("broker-restart", "hub", "east");
        MqttProbe before = fleet.probe("nodes/+/status");
        long incarnation = incarnationOnline(before, "east", 0);
        try (MqttProbe watcher = MqttProbe.persistent(fleet.brokerUrl(), "desired-state-watcher")) {
            watcher.subscribe("test/desired");
            watcher.publish("nodes/east/desired_state", "{\"agents\": [{\"name\": \"standing\", \"type\": \"echo\"}], "
                    + "\"request_id\": \"ds-reconnect\", \"reply_to\": \"test/desired\"}", true);
            watcher.awaitJson("test/desired", "request_id", "ds-reconnect", LIMIT);

            fleet.restartBroker();

            // The retained desired state, request id and all, is reconciled again on the new connection
            watcher.awaitOn("test/desired", results -> results.size() >= 2, NodeProcess.BOOT_LIMIT);
            watcher.publish("nodes/east/desired_state", "", true);
        }

        MqttProbe probe = fleet.probe("nodes/#", "test/#");
        incarnationOnline(probe, "east", incarnation);
        probe.publish("nodes/east/spawn", "{\"name\": \"after-restart\", \"type\": \"echo\", \"request_id\": \"ar\", "
                + "\"reply_to\": \"test/results\"}");
        assertEquals(true, probe.awaitJson("test/results", "request_id", "ar", LIMIT).get("success"));
    }

    @Test
    public void commandsSentWhileANodeIsAwayArriveWhenItIsBack() throws Exception {
        start("offline", "hub", "sleeper");
        MqttProbe probe = fleet.probe("nodes/#", "test/#");
        NodeProcess sleeper = fleet.node("sleeper");
        sleeper.stop();
        probe.awaitJson("nodes/sleeper/status", "reason", "stopped", LIMIT);

        probe.publish("nodes/sleeper/spawn", "{\"name\": \"while-asleep\", \"type\": \"echo\", \"request_id\": \"wa\", "
                + "\"reply_to\": \"test/results\"}");
        fleet.startNode("sleeper").awaitStarted();

        Map<String, Object> result = probe.awaitJson("test/results", "request_id", "wa", LIMIT);
        assertEquals(true, result.get("success"));
        assertEquals("running", result.get("state"));
    }

    @Test
    public void stopAllStopsEveryAgentAndTakesTheNodeOfflineCleanly() throws Exception {
        start("stop-all", "hub", "finished");
        MqttProbe probe = fleet.probe("nodes/#", "test/#");
        for (String name : new String[] {"fa", "fb"}) {
            probe.publish("nodes/finished/spawn", "{\"name\": \"" + name + "\", \"type\": \"echo\", \"request_id\": \"" + name
                    + "\", \"reply_to\": \"test/results\"}");
            probe.awaitJson("test/results", "request_id", name, LIMIT);
        }

        probe.publish("nodes/finished/stop_all", "{\"request_id\": \"all\", \"reply_to\": \"test/results\", \"confirm\": true}");

        Map<String, Object> result = probe.awaitJson("test/results", "request_id", "all", LIMIT);
        assertEquals(true, result.get("success"));
        assertTrue(result.toString(), result.get("stopped").toString().contains("fa"));
        probe.awaitJson("nodes/finished/status", "reason", "stopped", LIMIT);
        int exit = fleet.node("finished").awaitExit(LIMIT);
        assertEquals("the node shuts down by itself, normally", 0, exit);
    }

    @Test
    public void commandsTheNodeTookButHadNotRunWhenItDiedRunWhenItIsBack() throws Exception {
        start("died-busy", "hub", "busy");
        MqttProbe probe = fleet.probe("nodes/#", "test/#");
        int burst = 60;
        for (int i = 0; i < burst; i++) {
            probe.publish("nodes/busy/spawn", "{\"name\": \"burst-" + i + "\", \"type\": \"echo\", \"request_id\": \"b-" + i
                    + "\", \"reply_to\": \"test/burst\"}");
        }
        // Killed as the first result comes: the broker has handed the node more than it has run, and
        // forgets each message as soon as the node has taken it.
        probe.await("test/burst", seen -> true, LIMIT);
        fleet.node("busy").kill();
        int runBeforeDeath = probe.seenOn("test/burst").size();
        assertTrue("the node died with commands still to run (" + runBeforeDeath + " had run)", runBeforeDeath < burst);

        fleet.startNode("busy").awaitStarted();

        // Those it had not taken come again from the broker, those it had from its own disk: all run.
        long end = System.nanoTime() + LIMIT.toNanos();
        for (int round = 0; ; round++) {
            probe.publish("nodes/busy/list", "{\"request_id\": \"after-death-" + round + "\"}");
            Map<String, Object> listed = probe.awaitJson("nodes/busy/agents", "request_id", "after-death-" + round, LIMIT);
            List<Integer> missing = IntStream.range(0, burst)
                    .filter(i -> !listed.get("agents").toString().contains("name=burst-" + i + ",")).boxed().toList();
            if (missing.isEmpty()) {
                break;
            }
            assertTrue("commands lost: burst-" + missing, System.nanoTime() < end);
            probe.awaitJson("test/burst", "request_id", "b-" + missing.get(0), LIMIT); // its result, once it has run
        }
    }
}
