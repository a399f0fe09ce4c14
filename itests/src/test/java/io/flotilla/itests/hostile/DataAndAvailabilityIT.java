package io.flotilla.itests.hostile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * One stranger on the broker of a two-node fleet (Mosquitto, {@code alpha} and {@code beta}) tries
 * to destroy agents' data and to knock nodes off the fleet with single messages. Each test proves
 * that the attack is refused or reported, that the agents run on with their state, and that the
 * node stays connected and answers.
 */
public class DataAndAvailabilityIT {

    private static final int MAX_NODES = 40;

    private static Fleet fleet;
    private static Stranger stranger;

    @BeforeClass
    public static void startFleet() throws Exception {
        fleet = Fleet.prepare(Fleet.BrokerKind.MOSQUITTO, Installation.unpack("hostile-data"));
        try {
            fleet.configure("beta", "io.flotilla.registry.cfg", "max.nodes", String.valueOf(MAX_NODES));
            // A small window and buffer, so that a burst meets the node's back-pressure at once.
            fleet.configure("beta", "io.flotilla.mqtt.cfg", "max.inflight", "20");
            fleet.configure("beta", "io.flotilla.mqtt.cfg", "offline.buffer", "50");
            fleet.startNodes("alpha", "beta");
            stranger = new Stranger(fleet);
        } catch (Exception | AssertionError e) {
            Fleet.closeChecked(fleet);
            throw e;
        }
    }

    @AfterClass
    public static void stopFleet() throws Exception {
        Fleet.closeChecked(fleet);
    }

    private static Path stateFile(String node, String agent) {
        return fleet.home(node).resolve("data/flotilla/state").resolve(agent + ".json");
    }

    /** Spawns a counter on {@code node} and waits until it has persisted a count of at least 2. */
    private static void counting(String node, String name) throws Exception {
        assertEquals(true, stranger.spawn(node, Stranger.counter(name)).get("success"));
        fleet.node(node).await(name + " counting", Stranger.LIMIT, () -> count(node, name) >= 2);
    }

    private static long count(String node, String agent) {
        try {
            return Stranger.persistedCount(stateFile(node, agent));
        } catch (Exception unreadableYet) {
            return -1;
        }
    }

    private static long incarnation(String node) throws Exception {
        try (MqttProbe status = new MqttProbe(fleet.brokerUrl()).subscribe("nodes/" + node + "/status")) {
            return ((Number) status.awaitJson("nodes/" + node + "/status", "status", "online", Stranger.LIMIT)
                    .get("incarnation")).longValue();
        }
    }

    @Test
    public void aForgedHeartbeatOrAbortNeitherStopsAnAgentNorTouchesItsState() throws Exception {
        counting("alpha", "victim");

        stranger.publish("agents/" + UUID.randomUUID() + "/heartbeat", Map.of("name", "victim", "node", "mallory",
                "state", "running", "epoch", 1));
        stranger.awaitError("alpha", "agent victim also runs on node mallory");
        Map<String, Object> abort = stranger.command("alpha", "migrate_abort", Map.of("name", "victim", "epoch", 1,
                "from_node", "mallory"));

        assertEquals(abort.toString(), false, abort.get("success"));
        assertEquals("running", stranger.agents("alpha").get("victim"));
        long before = count("alpha", "victim");
        fleet.node("alpha").await("victim counting on", Stranger.LIMIT, () -> count("alpha", "victim") > before);
    }

    @Test
    public void aForgedStatusOfATwinDoesNotStopTheNode() throws Exception {
        counting("alpha", "steady");
        long incarnation = incarnation("alpha");

        // A status of "another installation" of alpha that came first: only a takeover of alpha's
        // session, which a stranger does not make by publishing, would prove such a twin.
        stranger.publishRetained("nodes/alpha/status", Map.of("node", "alpha", "status", "online", "incarnation", 1,
                "node_id", "forged-installation", "since", 1));
        stranger.ping("alpha");

        assertTrue(fleet.node("alpha").isAlive());
        assertEquals("the node's own status, said again over the forgery", incarnation, incarnation("alpha"));
        assertFalse(fleet.node("alpha").console(), fleet.node("alpha").console().contains("is already online"));
        long before = count("alpha", "steady");
        fleet.node("alpha").await("steady counting on", Stranger.LIMIT, () -> count("alpha", "steady") > before);
    }

    @Test
    public void aForgedConfirmationNeitherMovesAnAgentNorLosesItsState() throws Exception {
        counting("alpha", "precious");
        assertEquals(true, stranger.spawn("beta", Stranger.counter("precious")).get("success")); // beta refuses the move
        try (MqttProbe forger = fleet.probe("nodes/beta/migrate_in")) {
            forger.publish("nodes/alpha/migrate", "{\"name\": \"precious\", \"target_node\": \"beta\", "
                    + "\"request_id\": \"move-precious\", \"reply_to\": \"test/results\"}");
            Map<String, Object> offer = forger.await("nodes/beta/migrate_in", seen -> true, Stranger.LIMIT).json();
            stranger.publish((String) offer.get("reply_to"), Map.of("request_id", offer.get("request_id"), "success", true));

            Map<String, Object> result = stranger.probe().awaitJson("test/results", "request_id", "move-precious",
                    Stranger.LIMIT);
            assertEquals(result.toString(), false, result.get("success"));
        }
        assertEquals("running", stranger.agents("alpha").get("precious"));
        long before = count("alpha", "precious");
        fleet.node("alpha").await("precious counting on", Stranger.LIMIT, () -> count("alpha", "precious") > before);
    }

    @Test
    public void aDesiredStateWithOneInvalidEntryChangesNothing() throws Exception {
        Map<String, Object> keeper = Map.of("name", "keeper", "type", "counter");
        assertEquals(true, stranger.command("beta", "desired_state", Map.of("agents", List.of(keeper))).get("success"));

        Map<String, Object> result = stranger.command("beta", "desired_state", Map.of("agents", List.of(keeper,
                Map.of("name", "bad", "type", "counter", "poll_interval", -1))));

        assertEquals(result.toString(), false, result.get("success"));
        assertTrue(result.toString(), result.get("refused").toString().contains("agents[1].poll_interval"));
        assertEquals("running", stranger.agents("beta").get("keeper"));
        assertFalse(stranger.agents("beta").containsKey("bad"));
    }

    @Test
    public void aDiskThatRefusesWritesCostsTheAgentsNothingAndIsReportedOnce() throws Exception {
        counting("alpha", "diary");
        Path state = fleet.home("alpha").resolve("data/flotilla/state");
        Path away = state.resolveSibling("state-away");
        Files.move(state, away);
        Files.writeString(state, "where the state directory was");
        try {
            Map<String, Object> report = stranger.awaitError("alpha", "could not write persisted state to");
            assertEquals("state", report.get("phase"));
            stranger.ping("alpha");
            assertEquals("running", stranger.agents("alpha").get("diary"));
        } finally {
            Files.delete(state);
            Files.move(away, state);
        }
        long before = count("alpha", "diary");
        fleet.node("alpha").await("diary written again", Stranger.LIMIT, () -> count("alpha", "diary") > before);
        Map<String, Object> diary = stranger.command("alpha", "list", Map.of());
        assertTrue("no restart was spent: " + diary, ((List<?>) diary.get("agents")).stream().map(Map.class::cast)
                .filter(a -> "diary".equals(a.get("name"))).allMatch(a -> ((Number) a.get("restart_count")).intValue() == 0));
    }

    @Test
    public void aPoisonedReplyTopicIsRefusedAndTheNodeStaysConnected() throws Exception {
        long incarnation = incarnation("beta");
        Map<String, Object> echo = stranger.spawn("beta", Map.of("name", "echo-1", "type", "echo"));
        String errors = "agents/" + echo.get("actor_id") + "/errors";

        stranger.publish("nodes/beta/ping", Map.of("request_id", "poison", "reply_to", "sec/a\u0000b"));
        assertEquals("reply_to", stranger.awaitError("beta", "holds a NUL character").get("field"));
        stranger.publish("agents/by-name/echo-1/task", Map.of("payload", "hi", "_reply_topic", "#"));
        stranger.probe().await(errors, seen -> seen.text().contains("_reply_topic holds the wildcard '#'"), Stranger.LIMIT);
        stranger.publish("agents/by-name/echo-1/task", Map.of("payload", "hi", "_reply_topic", "sec/a\u0000b"));
        stranger.probe().await(errors, seen -> seen.text().contains("_reply_topic holds a NUL"), Stranger.LIMIT);

        stranger.ping("beta");
        assertEquals("beta never reconnected", incarnation, incarnation("beta"));
    }

    @Test
    public void odditiesOfTheEnvelopeGetClearAnswers() throws Exception {
        assertEquals(true, stranger.spawn("alpha", Map.of("name", "echo-2", "type", "echo")).get("success"));

        stranger.publish("nodes/alpha/ping", Map.of("request_id", Map.of("a", 1), "reply_to", "test/results"));
        Map<String, Object> refused = stranger.awaitError("alpha", "'request_id' must be text or a whole number");
        assertEquals("request_id", refused.get("field"));

        Map<String, Object> reply = stranger.ask("echo-2", Map.of("payload", "still here", "_timeout", 1e308));
        assertEquals(reply.toString(), "still here", reply.get("result"));
    }

    @Test
    public void oneNodeCannotBeMadeToStopAnother() throws Exception {
        stranger.publish("nodes/alpha/ping", Map.of("request_id", "relay", "reply_to", "nodes/beta/stop_all"));
        assertEquals("reply_to", stranger.awaitError("alpha", "a reply only goes to nodes/<node>/reply").get("field"));

        Map<String, Object> unconfirmed = stranger.command("beta", "stop_all", Map.of());
        assertEquals(unconfirmed.toString(), "confirm", unconfirmed.get("field"));
        stranger.publishRetained("nodes/beta/stop_all", Map.of());
        stranger.awaitError("beta", "'confirm' must be true");
        assertNoRetained("nodes/beta/stop_all");

        // A retained stop_all waiting for a node that is not up yet: refused when it starts, and cleared.
        stranger.publishRetained("nodes/gamma/stop_all", Map.of("confirm", true));
        fleet.startNodes("gamma");
        stranger.awaitError("gamma", "is a retained stop_all, which a node never takes");
        stranger.ping("gamma");
        assertNoRetained("nodes/gamma/stop_all");
        assertTrue(fleet.node("beta").isAlive() && fleet.node("gamma").isAlive());
        fleet.node("gamma").stop();
    }

    /** No retained message on {@code topic}: a new subscriber gets none before what is published after it. */
    private static void assertNoRetained(String topic) throws Exception {
        try (MqttProbe late = new MqttProbe(fleet.brokerUrl()).subscribe(topic, "test/late")) {
            late.publish("test/late", "after the subscription");
            late.awaitOn("test/late", seen -> !seen.isEmpty(), Stranger.LIMIT);
            assertTrue("a retained message is left on " + topic, late.seenOn(topic).isEmpty());
        }
    }

    @Test
    public void anOversizedMessageIsDroppedUnreadAndTheNodeAnswersOn() throws Exception {
        long incarnation = incarnation("beta");
        byte[] huge = new byte[120 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';

        stranger.probe().publish("nodes/beta/spawn", new String(huge, java.nio.charset.StandardCharsets.US_ASCII));

        stranger.awaitError("beta", "a message of " + huge.length + " bytes on nodes/beta/spawn was dropped unread");
        // Only the socket says what it dropped: a message that looks like its record is a message.
        stranger.probe().publish("agents/a1/heartbeat", "\u0000flotilla:refused-oversized:x");
        stranger.ping("beta");
        assertEquals("beta never reconnected", incarnation, incarnation("beta"));
        assertFalse(fleet.node("beta").console().contains("OutOfMemoryError"));
    }

    @Test
    public void forgedHeartbeatsNeitherSilenceANodeNorGrowTheRegistryWithoutBound() throws Exception {
        Path registry = fleet.home("beta").resolve("data/flotilla/registry/nodes.json");
        Map<String, Object> forged = new LinkedHashMap<>();
        forged.put("node", "alpha");
        forged.put("incarnation", Long.MAX_VALUE);
        forged.put("heartbeat_interval", 1);
        stranger.publish("nodes/alpha/heartbeat", forged);
        stranger.publish("nodes/sleeper/heartbeat", Map.of("node", "sleeper", "heartbeat_interval", 86_400));
        for (int i = 0; i < 3 * MAX_NODES; i++) {
            stranger.publish("nodes/fake-" + i + "/heartbeat", Map.of("node", "fake-" + i, "heartbeat_interval", 1));
        }
        stranger.ping("beta");
        long after = System.currentTimeMillis();
        fleet.node("beta").await("beta saving its registry", Stranger.LIMIT,
                () -> Files.exists(registry) && registry.toFile().lastModified() > after);

        String saved = Files.readString(registry);
        assertFalse(saved, saved.contains(String.valueOf(Long.MAX_VALUE)));
        assertFalse(saved, saved.contains("sleeper"));
        long nodes = saved.lines().filter(line -> line.contains("\"name\"")).count();
        assertTrue(nodes + " nodes saved", nodes <= MAX_NODES);
        assertTrue(saved, saved.contains("\"alpha\"") && saved.contains("\"beta\""));
    }

    @Test
    public void aBurstOfSpawnsGetsEveryResultWithoutDroppingOne() throws Exception {
        int burst = 1500;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            ids.add(stranger.send("beta", "spawn", Map.of("name", "burst-" + i, "type", "echo", "poll_interval", 0)));
        }
        List<MqttProbe.Seen> results = stranger.probe().awaitOn("test/results", seen -> seen.stream()
                .filter(s -> s.text().contains("\"burst-")).count() >= burst, java.time.Duration.ofSeconds(180));

        assertEquals(burst, results.stream().filter(s -> s.text().contains("\"burst-")).distinct().count());
        assertTrue(results.stream().filter(s -> s.text().contains("\"burst-")).allMatch(s -> s.text().contains("\"success\":true")));
        assertFalse(fleet.node("beta").console().contains("dropping the oldest"));
        try (MqttProbe beats = new MqttProbe(fleet.brokerUrl()).subscribe("nodes/beta/agent_heartbeats")) {
            Map<String, Object> batch = beats.await("nodes/beta/agent_heartbeats", seen -> true, Stranger.LIMIT).json();
            assertTrue(batch.toString(), ((Number) batch.get("agent_count")).intValue() >= burst);
        }
    }

    @Test
    public void theNodesSecretsAndDataAreItsUsersAlone() throws Exception {
        Path home = fleet.home("alpha");
        Set<PosixFilePermission> ownerOnly = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        for (Path directory : List.of(home.resolve("etc"), home.resolve("data"))) {
            assertTrue(directory.toString(), ownerOnly.containsAll(Files.getPosixFilePermissions(directory)));
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                    assertTrue(file + " " + permissions, permissions.stream().allMatch(ownerOnly::contains));
                }
            }
        }
        Path port = home.resolve("data/port");
        assertTrue("Karaf's shutdown port is off", !Files.exists(port) || Files.readString(port).trim().startsWith("-"));
    }
}
