package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * Agents moving between real nodes over the embedded broker, driven over MQTT as an operator would:
 * {@code nodes/{src}/migrate} and {@code migrate_result}. {@code hub} hosts the broker and can
 * resolve the {@code traveller} bundle; {@code east} cannot resolve it but takes code from other
 * nodes; {@code west} neither resolves it nor takes code. Every path ends with the agent running on
 * exactly one node.
 */
public class MigrationIT {

    private static final Duration LIMIT = Fleet.LIMIT;
    private static final String CONFIRM_TIMEOUT = "4";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Fleet fleet;
    private MqttProbe probe;

    @BeforeClass
    public static void startFleet() throws Exception {
        fleet = Fleet.prepare(Fleet.BrokerKind.EMBEDDED, Installation.unpack("migration"));
        try {
            for (String node : List.of("hub", "east", "west")) {
                fleet.configure(node, "io.flotilla.migration.cfg", "confirm.timeout", CONFIRM_TIMEOUT);
                fleet.configure(node, "io.flotilla.security.cfg", "bundle.locations",
                        "mvn:io.flotilla/, mvn:io.flotilla.fixtures/, file:${karaf.base}/deploy/");
            }
            for (String node : List.of("east", "west")) {
                // Nodes whose Maven repositories do not have the traveller bundle, and no network.
                fleet.configure(node, "org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", "");
                fleet.configure(node, "org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        fleet.home(node).resolve("empty-m2").toString());
            }
            fleet.configure("west", "io.flotilla.migration.cfg", "accept.code", "false");
            fleet.configure("east", "io.flotilla.migration.cfg", "accept.code", "true");
            fleet.startNodes("hub", "east", "west");
            // The hub's own system/ folder is one of its Maven repositories.
            Fixtures.traveller(fleet.home("hub").resolve("system"));
        } catch (Exception | AssertionError e) {
            fleet.close();
            throw e;
        }
    }

    @AfterClass
    public static void stopFleet() throws Exception {
        Fleet.closeChecked(fleet);
    }

    @Before
    public void watch() throws Exception {
        probe = fleet.probe("nodes/+/migrate_result", "nodes/+/agents", "nodes/+/errors", "test/#");
    }

    // ---------------------------------------------------------------- helpers

    private void spawn(String node, String document) throws Exception {
        String id = "spawn-" + System.nanoTime();
        probe.publish("nodes/" + node + "/spawn", document.replaceFirst("\\}\\s*$",
                ", \"request_id\": \"" + id + "\", \"reply_to\": \"test/spawned\"}"));
        Map<String, Object> result = probe.awaitJson("test/spawned", "request_id", id, LIMIT);
        assertEquals(result.toString(), true, result.get("success"));
    }

    private Map<String, Object> migrate(String from, String agent, String to) throws Exception {
        String id = "move-" + System.nanoTime();
        probe.publish("nodes/" + from + "/migrate", "{\"name\": \"" + agent + "\", \"target_node\": \"" + to
                + "\", \"request_id\": \"" + id + "\"}");
        return probe.awaitJson("nodes/" + from + "/migrate_result", "request_id", id, Duration.ofSeconds(60));
    }

    private Object ask(String agent, String payload) throws Exception {
        String id = "ask-" + System.nanoTime();
        probe.publish("agents/by-name/" + agent + "/task", "{\"payload\": " + payload
                + ", \"_reply_topic\": \"test/replies\", \"request_id\": \"" + id + "\"}");
        Map<String, Object> reply = probe.awaitJson("test/replies", "request_id", id, LIMIT);
        assertTrue(reply.toString(), reply.containsKey("result"));
        return reply.get("result");
    }

    private List<String> agentsOn(String node) throws Exception {
        String id = "list-" + System.nanoTime();
        probe.publish("nodes/" + node + "/list", "{\"request_id\": \"" + id + "\"}");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> agents = (List<Map<String, Object>>) probe.awaitJson("nodes/" + node + "/agents",
                "request_id", id, LIMIT).get("agents");
        return agents.stream().map(a -> (String) a.get("name")).toList();
    }

    private boolean listed(String node, String agent) {
        try {
            return agentsOn(node).contains(agent);
        } catch (Exception e) {
            throw new AssertionError("could not list the agents of " + node, e);
        }
    }

    private static void signal(NodeProcess node, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(node.pid())).start().waitFor());
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    // ---------------------------------------------------------------- the handoff

    @Test
    public void aCounterMovesWithItsStateAndEveryMessageSentMeanwhileIsAnsweredOnce() throws Exception {
        spawn("hub", "{\"name\": \"tally\", \"type\": \"counter\", \"poll_interval\": 0}");
        int asks = 300;
        AtomicReference<Exception> senderFailed = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; i < asks; i++) {
                    probe.publish("agents/by-name/tally/task", "{\"payload\": {\"add\": 1}, \"_reply_topic\": \"test/adds\", "
                            + "\"request_id\": \"add-" + i + "\"}");
                }
            } catch (Exception e) {
                senderFailed.set(e);
            }
        }, "asker");
        sender.start();
        probe.await("test/adds", s -> s.text().contains("\"add-49\""), LIMIT);

        Map<String, Object> moved = migrate("hub", "tally", "east");

        sender.join(LIMIT.toMillis());
        assertEquals(null, senderFailed.get());
        assertEquals(moved.toString(), true, moved.get("success"));
        assertEquals("east", moved.get("to_node"));
        assertTrue(moved.toString(), number(moved.get("duration_ms")) >= 0);
        // Asks that waited on the hub are answered by east and their replies relayed by the hub: they may
        // come after later ones. Wait for every one, then look for doubles.
        probe.awaitOn("test/adds", replies -> replies.stream().map(r -> r.json().get("request_id")).distinct()
                .count() >= asks, LIMIT);

        Map<String, Integer> answers = new HashMap<>();
        Set<Long> counts = new TreeSet<>();
        Map<String, Integer> byNode = new LinkedHashMap<>();
        for (MqttProbe.Seen reply : probe.seenOn("test/adds")) {
            Map<String, Object> json = reply.json();
            answers.merge((String) json.get("request_id"), 1, Integer::sum);
            counts.add(number(json.get("result")));
            byNode.merge((String) json.get("node"), 1, Integer::sum);
        }
        System.out.println("Moved tally in " + moved.get("duration_ms") + " ms with " + asks + " asks in flight; answered by "
                + byNode);
        assertEquals("every ask answered", asks, answers.size());
        assertTrue("none answered twice: " + answers, answers.values().stream().allMatch(n -> n == 1));
        assertEquals("each add counted once, none lost", asks, counts.size());
        assertEquals((long) asks, number(ask("tally", "\"get\"")));

        assertFalse(agentsOn("hub").contains("tally"));
        assertTrue(agentsOn("east").contains("tally"));
        assertFalse("its state left the hub", Files.exists(fleet.home("hub").resolve("data/flotilla/state/tally.json")));
    }

    @Test
    public void aMegabyteOfStateArrivesIntact() throws Exception {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("count", 5);
        state.put("blob", "x".repeat(1024 * 1024));
        List<Integer> readings = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            readings.add(i * 7);
        }
        state.put("readings", readings);
        Path file = fleet.home("hub").resolve("data/flotilla/state/hoard.json");
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), state);
        spawn("hub", "{\"name\": \"hoard\", \"type\": \"counter\", \"poll_interval\": 0}");

        Map<String, Object> moved = migrate("hub", "hoard", "east");

        assertEquals(moved.toString(), true, moved.get("success"));
        System.out.println("Moved 1 MB of state in " + moved.get("duration_ms") + " ms");
        assertEquals(5L, number(ask("hoard", "\"get\"")));
        Path arrived = fleet.home("east").resolve("data/flotilla/state/hoard.json");
        assertEquals(JSON.readTree(JSON.writeValueAsBytes(state)), JSON.readTree(arrived.toFile()));
    }

    @Test
    public void codeTheTargetCannotResolveIsSentOverMqttAndChecked() throws Exception {
        spawn("hub", "{\"name\": \"wanderer\", \"type\": \"traveller\", \"bundle\": \"" + Fixtures.TRAVELLER
                + "\", \"poll_interval\": 0}");
        assertEquals("v1:0", ask("wanderer", "\"hello\""));

        Map<String, Object> moved = migrate("hub", "wanderer", "east");

        assertEquals(moved.toString(), true, moved.get("success"));
        assertEquals("v1:0", ask("wanderer", "\"hello again\""));
        fleet.node("east").awaitConsole("fetching its", LIMIT);
        assertTrue(fleet.node("east").console(), fleet.node("east").console().contains("Installing bundle " + Fixtures.TRAVELLER
                + " from"));
    }

    // ---------------------------------------------------------------- failures: the agent stays

    @Test
    public void aTargetThatCannotInstallTheTypeRefusesAndTheAgentStays() throws Exception {
        spawn("hub", "{\"name\": \"homebody\", \"type\": \"traveller\", \"bundle\": \"" + Fixtures.TRAVELLER
                + "\", \"poll_interval\": 0}");

        Map<String, Object> moved = migrate("hub", "homebody", "west");

        assertEquals(false, moved.get("success"));
        assertTrue(moved.toString(), String.valueOf(moved.get("error")).contains("node west refused"));
        assertTrue(moved.toString(), String.valueOf(moved.get("error")).contains("takes no code from other nodes"));
        assertEquals("v1:0", ask("homebody", "\"still there?\""));
        assertTrue(agentsOn("hub").contains("homebody"));
        assertFalse(agentsOn("west").contains("homebody"));
    }

    @Test
    public void aTargetThatAlreadyRunsTheNameRefuses() throws Exception {
        spawn("hub", "{\"name\": \"twin\", \"type\": \"counter\", \"poll_interval\": 0}");
        spawn("east", "{\"name\": \"twin\", \"type\": \"echo\"}");

        Map<String, Object> moved = migrate("hub", "twin", "east");

        assertEquals(false, moved.get("success"));
        assertTrue(moved.toString(), String.valueOf(moved.get("error")).contains("already runs on node east"));
        assertTrue(agentsOn("hub").contains("twin"));
    }

    @Test
    public void anUnknownOrOfflineTargetFailsAtOnce() throws Exception {
        spawn("hub", "{\"name\": \"stayer\", \"type\": \"counter\", \"poll_interval\": 0}");
        probe.publish("nodes/ghost/status", "{\"node\": \"ghost\", \"status\": \"offline\", \"incarnation\": 1}");
        fleet.node("hub").awaitConsole("ghost", LIMIT);

        Map<String, Object> unknown = migrate("hub", "stayer", "nowhere");
        Map<String, Object> offline = migrate("hub", "stayer", "ghost");

        assertEquals(false, unknown.get("success"));
        assertTrue(unknown.toString(), String.valueOf(unknown.get("error")).contains("node nowhere is unknown"));
        assertEquals(false, offline.get("success"));
        assertTrue(offline.toString(), String.valueOf(offline.get("error")).contains("node ghost is offline"));
        assertTrue("at once: " + offline, number(offline.get("duration_ms")) < 1000);
        assertEquals(0L, number(ask("stayer", "\"get\"")));
    }

    @Test
    public void aTargetThatDoesNotConfirmInTimeLeavesTheAgentWhereItWasAndItsLateCopyIsStopped() throws Exception {
        spawn("hub", "{\"name\": \"patient\", \"type\": \"counter\", \"poll_interval\": 0}");
        assertEquals(3L, number(ask("patient", "{\"add\": 3}")));
        NodeProcess east = fleet.node("east");
        Map<String, Object> moved;
        signal(east, "STOP");
        try {
            moved = migrate("hub", "patient", "east");
        } finally {
            signal(east, "CONT");
        }

        assertEquals(false, moved.get("success"));
        assertTrue(moved.toString(), String.valueOf(moved.get("error")).contains("did not confirm within " + CONFIRM_TIMEOUT));
        assertEquals("answered on the hub meanwhile", 4L, number(ask("patient", "{\"add\": 1}")));

        // East wakes to the offer and the abort: it refuses, or starts the copy late and stops it.
        east.awaitConsole("patient", LIMIT);
        east.await("east to settle the late move", LIMIT, () -> east.console().contains("Refused agent patient")
                || east.console().contains("called the move of agent patient"));
        east.await("no copy of patient on east", LIMIT, () -> !listed("east", "patient"));
        assertEquals(5L, number(ask("patient", "{\"add\": 1}")));
        assertTrue(agentsOn("hub").contains("patient"));
        // Back in everyone's registry before the next move: a heartbeat of east after it woke.
        long woke = System.currentTimeMillis() / 1000;
        probe.subscribe("nodes/east/heartbeat");
        probe.await("nodes/east/heartbeat", s -> number(s.json().get("timestamp")) > woke, LIMIT);
    }

    @Test
    public void aTargetThatDiesBeforeConfirmingFailsTheMoveAtOnce() throws Exception {
        fleet.startNodes("doomed");
        spawn("hub", "{\"name\": \"survivor\", \"type\": \"counter\", \"poll_interval\": 0}");
        NodeProcess doomed = fleet.node("doomed");
        signal(doomed, "STOP"); // it cannot confirm
        String id = "move-doomed";
        probe.publish("nodes/hub/migrate", "{\"name\": \"survivor\", \"target_node\": \"doomed\", \"request_id\": \"" + id + "\"}");
        fleet.node("hub").awaitConsole("Moving agent survivor to node doomed", LIMIT);

        doomed.kill();

        Map<String, Object> moved = probe.awaitJson("nodes/hub/migrate_result", "request_id", id, LIMIT);
        assertEquals(false, moved.get("success"));
        assertTrue(moved.toString(), String.valueOf(moved.get("error")).contains("went offline"));
        assertTrue("before the confirm timeout: " + moved, number(moved.get("duration_ms")) < Long.parseLong(CONFIRM_TIMEOUT) * 1000);
        assertEquals(1L, number(ask("survivor", "{\"add\": 1}")));
    }

    @Test
    public void anAgentDeclaredOnItsOldNodeIsNotBroughtBackThereWhenThatNodeRestarts() throws Exception {
        Path descriptor = fleet.home("east").resolve("deploy").resolve("drifter.agent.json");
        MqttProbe eastBeats = fleet.probe("nodes/east/heartbeat");
        try {
            Files.writeString(descriptor, "{\"name\": \"drifter\", \"type\": \"echo\"}");
            probe.publish("nodes/east/desired_state", "{\"agents\": [{\"name\": \"settler\", \"type\": \"echo\"}]}", true);
            NodeProcess east = fleet.node("east");
            east.await("both declared agents on east", LIMIT, () -> listed("east", "drifter") && listed("east", "settler"));
            for (String agent : List.of("drifter", "settler")) {
                Map<String, Object> moved = migrate("east", agent, "hub");
                assertEquals(moved.toString(), true, moved.get("success"));
            }

            int exit = east.stop();
            assertTrue("exit " + exit, exit == 0 || exit == 143);
            long restarted = System.currentTimeMillis() / 1000;
            east = fleet.startNode("east").awaitStarted();

            east.awaitConsole("agent drifter moved to node hub; not deployed here again", LIMIT);
            east.awaitConsole("Desired agent settler moved to node hub; not spawned here again", LIMIT);
            assertFalse(listed("east", "drifter"));
            assertFalse(listed("east", "settler"));
            assertTrue(listed("hub", "drifter"));
            assertTrue(listed("hub", "settler"));
            // The other tests move agents to east: the fleet must know it is back.
            eastBeats.await("nodes/east/heartbeat", s -> number(s.json().get("timestamp")) > restarted, LIMIT);
        } finally {
            probe.publish("nodes/east/desired_state", "", true);
            Files.deleteIfExists(descriptor);
        }
    }
}
