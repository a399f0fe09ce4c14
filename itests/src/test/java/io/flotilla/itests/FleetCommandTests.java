package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.AfterClass;
import org.junit.Before;
import org.junit.Test;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * The MQTT protocol of DESIGN.md, driven as an operator drives it with mosquitto_pub and
 * mosquitto_sub, against two nodes started with bin/flotilla. Subclasses choose the broker.
 */
public abstract class FleetCommandTests {

    protected static final Duration LIMIT = Fleet.LIMIT;
    protected static Fleet fleet;
    protected MqttProbe probe;

    protected static void startFleet(Fleet.BrokerKind kind) throws Exception {
        fleet = Fleet.prepare(kind, Installation.unpack("commands-" + kind.name().toLowerCase()));
        try {
            for (String node : new String[] {"north", "south"}) {
                // Flotilla's quick cycle, for the crasher's restarts within the tests' waits; the default, Wactorz
                // pauses of 2, 4, 8, 16 s between failed process() calls, is the self-test's (LauncherIT)
                fleet.configure(node, "io.flotilla.agents.cfg", "process.backoff", "poll");
            }
            fleet.startNodes("north", "south");
        } catch (Exception | AssertionError e) {
            fleet.close(); // no node outlives a failed start
            throw e;
        }
    }

    @AfterClass
    public static void stopFleet() throws Exception {
        try {
            Fleet.closeChecked(fleet);
        } finally {
            fleet = null;
        }
    }

    @Before
    public void watch() throws Exception {
        probe = fleet.probe("nodes/#", "agents/#", "test/#", "sensors/#");
    }

    private Map<String, Object> result(String requestId) {
        return probe.awaitJson("test/results", "request_id", requestId, LIMIT);
    }

    private static String spawnJson(String name, String type, String extra, String requestId) {
        return "{\"name\": \"" + name + "\", \"type\": \"" + type + "\"" + (extra.isEmpty() ? "" : ", " + extra)
                + ", \"request_id\": \"" + requestId + "\", \"reply_to\": \"test/results\"}";
    }

    @Test
    public void nodesAnnounceThemselvesAndSendHeartbeats() {
        Map<String, Object> status = probe.await("nodes/north/status", s -> true, LIMIT).json();
        assertEquals("online", status.get("status"));

        Map<String, Object> beat = probe.await("nodes/north/heartbeat", s -> true, LIMIT).json();
        for (String field : List.of("node", "node_id", "timestamp", "agents", "agent_count", "broker", "uptime_s", "cpu_pct",
                "mem_used_mb", "capabilities", "incarnation")) {
            assertTrue("heartbeat has " + field + ": " + beat, beat.containsKey(field));
        }
        assertEquals("north", beat.get("node"));
        assertEquals(status.get("incarnation"), beat.get("incarnation"));
        assertTrue(beat.toString(), ((List<?>) beat.get("capabilities")).stream().anyMatch(c -> String.valueOf(c).startsWith("cpus=")));
    }

    @Test
    public void spawnListAndStopOverMqtt() throws Exception {
        probe.publish("nodes/north/spawn", spawnJson("mq-counter", "counter", "\"poll_interval\": 0.2", "r-spawn"));

        Map<String, Object> spawned = result("r-spawn");
        assertEquals(true, spawned.get("success"));
        assertEquals("running", spawned.get("state"));
        assertEquals("spawned", spawned.get("outcome"));
        String actorId = (String) spawned.get("actor_id");
        probe.awaitJson("agents/" + actorId + "/heartbeat", "state", "running", LIMIT);

        probe.publish("nodes/north/list", "{\"request_id\": \"r-list\"}");
        Map<String, Object> listed = probe.awaitJson("nodes/north/agents", "request_id", "r-list", LIMIT);
        assertTrue(listed.toString(), listed.get("agents").toString().contains("mq-counter"));

        probe.publish("nodes/north/stop", "{\"name\": \"mq-counter\", \"request_id\": \"r-stop\", \"reply_to\": \"test/results\"}");
        assertEquals(true, result("r-stop").get("success"));
        probe.awaitJson("agents/" + actorId + "/heartbeat", "state", "stopped", LIMIT);

        probe.publish("nodes/north/stop", "{\"name\": \"mq-counter\", \"delete\": true, \"request_id\": \"r-del\", \"reply_to\": \"test/results\"}");
        assertEquals(true, result("r-del").get("deleted"));
        probe.publish("nodes/north/list", "{\"request_id\": \"r-list-2\"}");
        assertFalse(probe.awaitJson("nodes/north/agents", "request_id", "r-list-2", LIMIT).get("agents").toString()
                .contains("mq-counter"));
    }

    @Test
    public void agentsPublishTheirManifestLogsAndAlerts() throws Exception {
        probe.publish("nodes/north/spawn", spawnJson("mq-hot", "temperature-sensor",
                "\"poll_interval\": 0.2, \"description\": \"too warm\", \"config\": {\"alert_above\": 0}", "r-hot"));
        String actorId = (String) result("r-hot").get("actor_id");

        Map<String, Object> manifest = probe.await("agents/" + actorId + "/manifest", s -> true, LIMIT).json();
        assertEquals("temperature-sensor", manifest.get("type"));
        assertEquals("too warm", manifest.get("description"));
        assertEquals(0.2, ((Number) manifest.get("poll_interval")).doubleValue(), 1e-9);
        assertTrue(manifest.toString(), manifest.get("provider").toString().startsWith("flotilla-examples/"));
        Map<String, Object> alert = probe.await("agents/" + actorId + "/alert", s -> true, LIMIT).json();
        assertEquals("warning", alert.get("severity"));
        assertTrue(alert.toString(), alert.get("message").toString().contains("is above 0.0C"));
        Map<String, Object> line = probe.await("agents/" + actorId + "/logs", s -> s.json().get("message").toString()
                .startsWith("Temperature: "), LIMIT).json();
        // The Wactorz runner's shape, beside Flotilla's own fields
        assertEquals("log", line.get("type"));
        assertEquals("mq-hot", line.get("agent"));
        assertEquals("temperature-sensor", line.get("agent_type"));
        Map<String, Object> beat = probe.await("agents/" + actorId + "/heartbeat", s -> true, LIMIT).json();
        assertEquals("mq-hot", beat.get("agent"));
        assertTrue(beat.toString(), beat.containsKey("cpu") && beat.containsKey("memory_mb") && beat.containsKey("task")
                && Boolean.FALSE.equals(beat.get("protected")));
        probe.await("sensors/temperature", s -> "north".equals(s.json().get("node")), LIMIT);
        probe.publish("nodes/north/stop", "{\"name\": \"mq-hot\", \"delete\": true}");
    }

    @Test
    public void supervisionEventsAreSeenOverMqtt() throws Exception {
        probe.publish("nodes/south/spawn", spawnJson("mq-crasher", "crasher",
                "\"poll_interval\": 0.05, \"restart_delay\": 0.2, \"max_restarts\": 2, \"config\": {\"fail_every\": true}", "r-crash"));
        String actorId = (String) result("r-crash").get("actor_id");
        String errors = "agents/" + actorId + "/errors";

        // The Wactorz runner's shapes: process failures counted, critical from the third; the
        // supervisor's restart a warning and its giving up fatal, each with the agent's name
        Map<String, Object> warning = probe.awaitJson(errors, "phase", "process", LIMIT);
        assertEquals("warning", warning.get("severity"));
        assertEquals(1, warning.get("consecutive"));
        assertEquals("mq-crasher", warning.get("agent"));
        Map<String, Object> critical = probe.awaitJson(errors, "consecutive", 3, LIMIT);
        assertEquals("critical", critical.get("severity"));
        Map<String, Object> restart = probe.awaitJson(errors, "phase", "supervisor", LIMIT);
        assertEquals("warning", restart.get("severity"));
        assertTrue(restart.toString(), restart.get("error").toString().startsWith("Agent crashed, restarting in 0.2 s (attempt 1/2): "));
        assertEquals(1, restart.get("restart_count"));
        assertEquals("process", restart.get("cause_phase"));
        Map<String, Object> fatal = probe.awaitJson(errors, "severity", "fatal", LIMIT);
        assertEquals("supervisor", fatal.get("phase"));
        assertTrue(fatal.toString(), fatal.get("error").toString().startsWith("Restart budget exhausted after 3 crashes: "));
        probe.awaitJson("agents/" + actorId + "/heartbeat", "state", "failed", LIMIT);

        probe.publish("nodes/south/spawn", spawnJson("mq-broken", "crasher", "\"restart_delay\": 0.05, \"config\": {\"fail_setup\": true}", "r-broken"));
        Map<String, Object> broken = result("r-broken");
        assertEquals(false, broken.get("success"));
        String brokenErrors = "agents/" + broken.get("actor_id") + "/errors";
        Map<String, Object> setupFatal = probe.awaitJson(brokenErrors, "severity", "fatal", LIMIT);
        assertEquals("setup", setupFatal.get("phase"));
        probe.publish("nodes/south/list", "{\"request_id\": \"r-after-broken\"}");
        probe.awaitJson("nodes/south/agents", "request_id", "r-after-broken", LIMIT);
        assertEquals("set up once, never again", 0, probe.seenOn("agents/" + broken.get("actor_id") + "/heartbeat").stream()
                .filter(s -> "starting".equals(s.json().get("state"))).skip(1).count());
    }

    @Test
    public void tasksByNameAreAnsweredOnTheReplyTopic() throws Exception {
        probe.publish("nodes/south/spawn", spawnJson("mq-echo", "echo", "\"poll_interval\": 0", "r-echo"));
        result("r-echo");

        probe.publish("agents/by-name/mq-echo/task",
                "{\"payload\": {\"x\": 1}, \"_reply_topic\": \"test/replies/1\", \"request_id\": \"t1\"}");
        Map<String, Object> reply = probe.awaitJson("test/replies/1", "request_id", "t1", LIMIT);
        assertEquals(Map.of("x", 1), reply.get("result"));

        probe.publish("nodes/north/spawn", spawnJson("mq-count", "counter", "\"poll_interval\": 0", "r-count"));
        result("r-count");
        probe.publish("agents/by-name/mq-count/task", "{\"payload\": \"reset\", \"_reply_topic\": \"test/replies/2\", \"request_id\": \"t2\"}");
        Map<String, Object> refused = probe.awaitJson("test/replies/2", "request_id", "t2", LIMIT);
        assertEquals("handler_failed", refused.get("reason"));
        assertTrue(refused.toString(), refused.get("error").toString().contains("counter understands"));
    }

    @Test
    public void badCommandsAreReportedAndTheNodeKeepsRunning() throws Exception {
        String errors = "nodes/north/errors";
        probe.publish("nodes/north/spawn", "{not json");
        Map<String, Object> malformed = probe.await(errors, s -> s.json().get("error").toString().contains("not valid JSON"), LIMIT).json();
        assertEquals("spawn", malformed.get("command"));

        probe.publish("nodes/north/spawn", "{\"name\": \"bad-poll\", \"type\": \"echo\", \"poll_interval\": \"fast\"}");
        assertEquals("poll_interval", probe.await(errors, s -> "poll_interval".equals(s.json().get("field")), LIMIT).json().get("field"));

        probe.publish("nodes/north/spawn", "{\"name\": \"../etc/passwd\", \"type\": \"echo\"}");
        probe.await(errors, s -> "name".equals(s.json().get("field")), LIMIT);

        probe.publish("nodes/north/spawn", "{\"name\": \"too-big\", \"type\": \"echo\", \"description\": \"" + "x".repeat(70_000) + "\"}");
        probe.await(errors, s -> s.json().get("error").toString().contains("over the limit of 65536 bytes"), LIMIT);

        probe.publish("nodes/north/spawn", spawnJson("ghost", "no-such-type", "", "r-ghost"));
        Map<String, Object> ghost = result("r-ghost");
        assertEquals(false, ghost.get("success"));
        assertTrue(ghost.toString(), ghost.get("error").toString().contains("no installed bundle provides agent type 'no-such-type'"));

        probe.publish("nodes/north/spawn", "{\"name\": \"seer\", \"type\": \"echo\", \"requires\": [\"camera\"]}");
        Map<String, Object> lacking = probe.await(errors, s -> "requires".equals(s.json().get("field")), LIMIT).json();
        assertTrue(lacking.toString(), lacking.get("error").toString().contains("node north lacks camera"));

        probe.publish("nodes/north/stop", "{\"name\": 42}");
        probe.await(errors, s -> "stop".equals(s.json().get("command")) && "name".equals(s.json().get("field")), LIMIT);

        probe.publish("nodes/north/list", "{\"request_id\": \"still-alive\"}");
        probe.awaitJson("nodes/north/agents", "request_id", "still-alive", LIMIT);
    }

    @Test
    public void replayedAndConcurrentSpawnsStartOneInstance() throws Exception {
        String once = spawnJson("mq-once", "echo", "\"poll_interval\": 0", "dup-1");
        probe.publish("nodes/north/spawn", once);
        probe.publish("nodes/north/spawn", once);
        probe.publish("nodes/north/spawn", spawnJson("mq-once", "echo", "\"poll_interval\": 0", "dup-2"));
        probe.publish("nodes/north/spawn", spawnJson("mq-once", "echo", "\"poll_interval\": 0, \"replace\": true", "dup-3"));

        result("dup-2");
        assertEquals("spawned", result("dup-1").get("outcome"));
        assertEquals("already_running", result("dup-2").get("outcome"));
        assertEquals("an identical replace changes nothing", "already_running", result("dup-3").get("outcome"));
        probe.publish("nodes/north/list", "{\"request_id\": \"after-dups\"}");
        probe.awaitJson("nodes/north/agents", "request_id", "after-dups", LIMIT);
        assertEquals("one result per request id", 1, probe.seenOn("test/results").stream()
                .filter(s -> "dup-1".equals(s.json().get("request_id"))).count());
    }

    @Test
    public void aRetainedSpawnIsClearedOnceHandled() throws Exception {
        probe.publish("nodes/south/spawn", spawnJson("mq-retained", "echo", "\"poll_interval\": 0", "r-retained"), true);
        result("r-retained");
        probe.await("nodes/south/spawn", s -> s.text().isEmpty(), LIMIT);

        // The node clears a second time a moment later (see ControlPlane): allow for that one.
        long deadline = System.nanoTime() + LIMIT.toNanos();
        List<MqttProbe.Seen> left;
        do {
            left = retainedOn("nodes/south/spawn");
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertTrue("no retained spawn left: " + left, left.isEmpty());
    }

    /** What a subscriber arriving now is given as retained on a topic, non-empty messages only. */
    private List<MqttProbe.Seen> retainedOn(String topic) throws Exception {
        try (MqttProbe late = new MqttProbe(fleet.brokerUrl())) {
            late.subscribe(topic, "test/marker");
            late.publish("test/marker", "after");
            late.await("test/marker", s -> true, LIMIT);
            return late.seenOn(topic).stream().filter(s -> !s.text().isEmpty()).toList();
        }
    }

    @Test
    public void aNodeReconcilesToItsDesiredState() throws Exception {
        String a = "{\"name\": \"want-a\", \"type\": \"echo\", \"poll_interval\": 0}";
        String b = "{\"name\": \"want-b\", \"type\": \"counter\", \"poll_interval\": 0}";
        probe.publish("nodes/south/desired_state", "{\"agents\": [" + a + ", " + b + "], \"request_id\": \"ds-1\"}", true);
        Map<String, Object> first = probe.awaitJson("nodes/south/results", "request_id", "ds-1", LIMIT);
        assertEquals(2, first.get("spawned"));

        probe.publish("nodes/south/desired_state", "{\"agents\": [" + a + "], \"request_id\": \"ds-2\"}", true);
        Map<String, Object> second = probe.awaitJson("nodes/south/results", "request_id", "ds-2", LIMIT);
        assertEquals(1, second.get("unchanged"));
        assertEquals(1, second.get("removed"));

        probe.publish("nodes/south/desired_state", "", true);
        // A list may be answered before the cleared desired state is applied: the two are separate
        // commands, taken in no promised order. Ask until an answer no longer has want-a.
        long end = System.nanoTime() + LIMIT.toNanos();
        for (int round = 0; ; round++) {
            String requestId = "after-ds-" + round;
            probe.publish("nodes/south/list", "{\"request_id\": \"" + requestId + "\"}");
            Map<String, Object> listed = probe.awaitJson("nodes/south/agents", "request_id", requestId, LIMIT);
            if (!listed.get("agents").toString().contains("want-a")) {
                return;
            }
            assertTrue("want-a still listed after the desired state was cleared: " + listed, System.nanoTime() < end);
        }
    }
}
