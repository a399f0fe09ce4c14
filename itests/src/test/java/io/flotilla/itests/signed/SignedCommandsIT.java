package io.flotilla.itests.signed;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.OperatorShell;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;
import io.flotilla.util.OperatorSigner;

/**
 * Signed commands at the intake of a real node on a real Mosquitto: node alpha runs with
 * security.mode = signed and trusts alice (any kind) and viewer (list only), keys made by
 * bin/flotilla key generate. A command alice signed runs; every other spawn is refused with its
 * reason, and no agent and no file of it appears on the node. Node beta, open, holds alice's key
 * (operator.key): what its shell sends alpha goes signed. Alpha holds a spawn that installs code it
 * does not have until its operator approves it (approval.kinds = install).
 */
public class SignedCommandsIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough to approve over SSH on a busy machine, short enough to wait out once. */
    private static final Duration APPROVAL_EXPIRY = Duration.ofSeconds(10);

    private static Installation installation;
    private static Fleet fleet;
    private static MqttProbe probe;
    private static Path keys;
    private static OperatorShell betaShell;
    private static OperatorShell alphaShell;
    private static Path agentsDir;
    private static int alphaSsh;

    @BeforeClass
    public static void startAlpha() throws Exception {
        installation = Installation.unpack("signed");
        fleet = Fleet.prepare(Fleet.BrokerKind.MOSQUITTO, installation);
        keys = installation.root().getParent().resolve("keys");
        for (String operator : new String[] {"alice", "viewer", "mallory"}) {
            Installation.Result made = installation.run(LIMIT, "key", "generate", operator, "--out", keys.toString());
            assertEquals(made.output(), 0, made.exitCode());
        }
        fleet.configure("alpha", "io.flotilla.security.cfg", "mode", "signed");
        Path trusted = Files.createDirectories(fleet.home("alpha").resolve("etc/operators"));
        Files.copy(keys.resolve("alice.pub"), trusted.resolve("alice.pub"));
        Files.copy(keys.resolve("viewer.pub"), trusted.resolve("viewer.pub"));
        Files.writeString(trusted.resolve("viewer.properties"), "kinds = list\n");
        agentsDir = Files.createDirectories(fleet.home("alpha").resolve("agents"));
        Files.createDirectories(marker("any").getParent());
        fleet.configure("alpha", "io.flotilla.security.cfg", "bundle.locations", "mvn:io.flotilla/, file:" + agentsDir + "/");
        fleet.configure("alpha", "io.flotilla.security.cfg", "approval.kinds", "install");
        fleet.configure("alpha", "io.flotilla.security.cfg", "approval.expiry", String.valueOf(APPROVAL_EXPIRY.toSeconds()));
        fleet.configure("beta", "io.flotilla.security.cfg", "operator.key", keys.resolve("alice.key").toString());
        alphaSsh = MosquittoBroker.freePort();
        int betaSsh = MosquittoBroker.freePort();
        alphaShell = OperatorShell.allow(fleet.home("alpha"), alphaSsh);
        betaShell = OperatorShell.allow(fleet.home("beta"), betaSsh);
        fleet.startNode("alpha", "--ssh-port", String.valueOf(alphaSsh));
        fleet.startNode("beta", "--ssh-port", String.valueOf(betaSsh));
        probe = fleet.probe("test/#", "nodes/alpha/errors", "nodes/+/status");
        fleet.node("alpha").awaitConsole("Commands that change this node must be signed by alice, viewer", LIMIT);
        probe.awaitJson("nodes/alpha/status", "status", "online", NodeProcess.BOOT_LIMIT);
        probe.awaitJson("nodes/beta/status", "status", "online", NodeProcess.BOOT_LIMIT);
    }

    @AfterClass
    public static void stopAlpha() throws Exception {
        Fleet.closeChecked(fleet);
    }

    @Test
    public void aSpawnAliceSignedRuns() throws Exception {
        Map<String, Object> result = await(send(sign("alice", "alpha", "spawn", Instant.now(), spawn("signed-keeper"))));

        assertEquals(result.toString(), true, result.get("success"));
        assertEquals("running", agents().get("signed-keeper"));
    }

    @Test
    public void everyOtherSpawnIsRefusedWithItsReasonAndLeavesNothing() throws Exception {
        Instant now = Instant.now();
        Map<String, Object> replayed = sign("alice", "alpha", "spawn", now, spawn("twice"));
        await(send(replayed));
        Map<String, Object> altered = sign("alice", "alpha", "spawn", now, spawn("altered"));
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) altered.get("signed");
        header.put("command", ((String) header.get("command")).replace("counter", "crasher"));

        refused(spawn("unsigned"), "unsigned: this node takes spawn only signed");
        refused(replayed, "replayed");
        refused(altered, "bad signature");
        refused(sign("alice", "beta", "spawn", now, spawn("elsewhere")), "wrong target");
        refused(sign("alice", "alpha", "spawn", now.minus(Duration.ofMinutes(20)), spawn("expired")), "expired");
        refused(sign("mallory", "alpha", "spawn", now, spawn("strangers")), "unknown key 'mallory'");
        refused(sign("viewer", "alpha", "spawn", now, spawn("viewers")), "not allowed: viewer may sign list");

        // A forged arrival of a moved agent, signed by no node
        Map<String, Object> arrival = new LinkedHashMap<>(Map.of("from_node", "beta", "epoch", 7, "actor_id", UUID.randomUUID()
                .toString(), "config", spawn("arrived"), "state", Map.of("count", 1000)));
        probe.publish("nodes/alpha/migrate_in", JSON.writeValueAsString(arrival));
        probe.await("nodes/alpha/errors", seen -> seen.text().contains("unsigned: this node takes migrate_in only signed"), LIMIT);

        Map<String, String> agents = agents();
        for (String name : List.of("unsigned", "altered", "elsewhere", "expired", "strangers", "viewers", "arrived")) {
            assertFalse(name + " runs: " + agents, agents.containsKey(name));
            assertFalse(name + " left a file", fileNamed(fleet.node("alpha").data(), name));
        }
    }

    @Test
    public void anOperatorsListNeedsNoSignatureButAViewersSignedOneIsChecked() throws Exception {
        assertTrue(agents() != null); // unsigned list: open to anyone who may reach the node
        Map<String, Object> signedList = sign("viewer", "alpha", "list", Instant.now(), new LinkedHashMap<>());
        assertEquals(true, await(send(signedList)).get("success"));
    }

    @Test
    public void binFlotillaCtlSignsWithTheOperatorsKeyAndSaysHowItEnded() throws Exception {
        Path config = keys.resolveSibling("ctl-keeper.agent.json");
        Files.writeString(config, JSON.writeValueAsString(spawn("ctl-keeper")));

        Installation.Result signed = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "--key",
                keys.resolve("alice.key").toString(), "spawn", "alpha", config.toString());
        Installation.Result listed = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "list", "alpha");
        Installation.Result unsigned = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "stop", "alpha",
                "ctl-keeper");

        assertEquals(signed.output(), 0, signed.exitCode());
        assertTrue(signed.output(), signed.output().contains("\"success\":true"));
        assertEquals(listed.output(), 0, listed.exitCode());
        assertTrue(listed.output(), listed.output().contains("ctl-keeper"));
        assertEquals(unsigned.output(), 1, unsigned.exitCode());
        assertTrue(unsigned.output(), unsigned.output().contains("unsigned: this node takes stop only signed"));
        assertEquals("running", agents().get("ctl-keeper"));

        Installation.Result asked = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "ask", "ctl-keeper", "get");
        Installation.Result nodes = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "nodes");
        assertEquals(asked.output(), 0, asked.exitCode());
        assertTrue(asked.output(), asked.output().contains("\"result\""));
        assertEquals(nodes.output(), 0, nodes.exitCode());
        assertTrue(nodes.output(), nodes.output().contains("\"alpha\":{") && nodes.output().contains("online"));
    }

    @Test
    public void whatANodesShellSendsGoesSignedWithItsOperatorKey() throws Exception {
        fleet.node("beta").awaitConsole("Commands this node sends other nodes are signed by operator alice", LIMIT);
        probe.awaitJson("nodes/alpha/status", "status", "online", LIMIT); // beta's registry knows alpha from it too

        String spawned = betaShell.run("agent:spawn --type counter --name from-betas-shell --node alpha");
        assertTrue(spawned, spawned.contains("from-betas-shell"));
        assertEquals("running", agents().get("from-betas-shell"));
        String twice = betaShell.run("agent:spawn --type counter --name from-betas-shell");
        assertTrue(twice, twice.contains("agent from-betas-shell runs on node alpha already"));

        String stopped = betaShell.run("agent:stop --node alpha from-betas-shell");
        assertFalse(stopped, stopped.toLowerCase().contains("error") || stopped.contains("unsigned"));
        assertEquals("stopped", agents().get("from-betas-shell"));
    }

    @Test
    public void ctlSpawnsFromStandardInputAndMovesAnAgentWhereverItRuns() throws Exception {
        String alice = keys.resolve("alice.key").toString();
        Installation.Result spawned = installation.runWithInput(LIMIT, JSON.writeValueAsString(spawn("ctl-mover")), "ctl",
                "--broker", fleet.brokerUrl(), "--key", alice, "spawn", "alpha", "-");
        assertEquals(spawned.output(), 0, spawned.exitCode());

        Installation.Result unsigned = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "migrate", "ctl-mover",
                "beta");
        assertEquals(unsigned.output(), 1, unsigned.exitCode());
        assertTrue(unsigned.output(), unsigned.output().contains("unsigned: this node takes migrate only signed"));

        Installation.Result moved = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "--key", alice, "migrate",
                "ctl-mover", "beta");
        assertEquals(moved.output(), 0, moved.exitCode());
        assertTrue(moved.output(), moved.output().contains("\"to_node\":\"beta\""));
        assertFalse(agents().containsKey("ctl-mover"));
        Installation.Result onBeta = installation.run(LIMIT, "ctl", "--broker", fleet.brokerUrl(), "list", "beta");
        assertTrue(onBeta.output(), onBeta.output().contains("ctl-mover"));
    }

    @Test
    public void aSpawnThatInstallsNewCodeWaitsForTheOperatorWhoApprovesOrRejectsIt() throws Exception {
        Map<String, Object> approved = held("approved");
        Map<String, Object> rejected = held("rejected");
        String listed = alphaShell.run("agent:pending");
        assertTrue(listed, listed.contains(pendingId(approved)) && listed.contains(pendingId(rejected)));
        assertTrue("held commands show in list over MQTT", agentsAndPending().contains(pendingId(rejected)));
        assertFalse("held code was installed before its approval", Files.exists(marker("approved")));

        String approving = alphaShell.run("agent:approve " + pendingId(approved));
        assertTrue(approving, approving.startsWith("Approved " + pendingId(approved)));
        Map<String, Object> result = probe.awaitJson("test/results", "request_id", approved.get("request_id"), LIMIT,
                seen -> seen.get("pending") == null);
        assertEquals(result.toString(), true, result.get("success"));
        assertEquals("running", agents().get("approved"));
        assertTrue(Files.exists(marker("approved")));

        String rejecting = alphaShell.run("agent:reject " + pendingId(rejected));
        assertTrue(rejecting, rejecting.contains("Rejected"));
        assertTrue(probe.awaitJson("test/results", "request_id", rejected.get("request_id"), LIMIT,
                seen -> String.valueOf(seen.get("error")).startsWith("rejected")).toString().contains("rejected by an operator"));
        assertFalse(agents().containsKey("rejected"));
        assertFalse(Files.exists(marker("rejected")));
    }

    @Test
    public void aHeldCommandNobodyApprovesIsDroppedWhenItsTimeRunsOut() throws Exception {
        Map<String, Object> forgotten = held("forgotten");

        Map<String, Object> dropped = probe.awaitJson("test/results", "request_id", forgotten.get("request_id"),
                APPROVAL_EXPIRY.plus(LIMIT), seen -> String.valueOf(seen.get("error")).startsWith("not approved"));
        assertEquals(false, dropped.get("success"));
        assertFalse(agents().containsKey("forgotten"));
        assertFalse(Files.exists(marker("forgotten")));
        String approving = alphaShell.run("agent:approve " + pendingId(forgotten));
        assertTrue(approving, approving.contains("no command " + pendingId(forgotten) + " waits for approval"));
    }

    @Test
    public void whatTheNodeTookBeforeARestartItKnowsAfterIt() throws Exception {
        Map<String, Object> once = sign("alice", "alpha", "spawn", Instant.now(), spawn("before-restart"));
        assertEquals(true, await(send(once)).get("success"));
        Map<String, Object> standing = sign("alice", "alpha", "desired_state", Instant.now(),
                new LinkedHashMap<>(Map.of("agents", List.of(spawn("standing")))));
        String standingId = requestId(standing);
        probe.publish("nodes/alpha/desired_state", JSON.writeValueAsString(standing), true);
        assertEquals(true, await(standingId).get("success"));

        fleet.node("alpha").stop();
        fleet.startNode("alpha", "--ssh-port", String.valueOf(alphaSsh));
        fleet.node("alpha").awaitConsole("Commands that change this node must be signed by alice, viewer", NodeProcess.BOOT_LIMIT);

        // The broker hands the retained desired state over again: the node's standing order, taken again
        List<MqttProbe.Seen> results = probe.awaitOn("test/results", seen -> seen.stream()
                .filter(message -> standingId.equals(message.json().get("request_id"))).count() >= 2, NodeProcess.BOOT_LIMIT);
        assertTrue(results.toString(), results.stream().filter(message -> standingId.equals(message.json().get("request_id")))
                .allMatch(message -> Boolean.TRUE.equals(message.json().get("success"))));
        refused(once, "replayed: nonce " + ((Map<?, ?>) once.get("signed")).get("nonce"));
        assertEquals("running", agents().get("standing"));
        assertEquals("running", agents().get("before-restart"));
        probe.publish("nodes/alpha/desired_state", "", true); // nothing retained for the other tests' restarts
    }

    @SuppressWarnings("unchecked")
    private static String requestId(Map<String, Object> signed) throws Exception {
        return (String) JSON.readValue((String) ((Map<String, Object>) signed.get("signed")).get("command"), Map.class)
                .get("request_id");
    }

    /** Sends alice's signed spawn of agent {@code name} from a bundle alpha does not have; returns its "held" result. */
    private static Map<String, Object> held(String name) throws Exception {
        Path jar = agentsDir.resolve(name + ".jar");
        io.flotilla.itests.Fixtures.markerBundle(jar, "fixture.held." + name, marker(name), "held-" + name);
        Map<String, Object> spawn = spawn(name);
        spawn.put("type", "held-" + name);
        spawn.put("bundle", "file:" + jar);
        Map<String, Object> result = await(send(sign("alice", "alpha", "spawn", Instant.now(), spawn)));
        assertEquals(result.toString(), false, result.get("success"));
        assertTrue(result.toString(), String.valueOf(result.get("error")).startsWith("held for an operator's approval"));
        return result;
    }

    private static String pendingId(Map<String, Object> held) {
        return (String) held.get("pending");
    }

    private static Path marker(String name) {
        return agentsDir.resolveSibling("markers").resolve(name + ".ran");
    }

    /** Alpha's answer to list, as text: its agents, and what waits for approval. */
    private static String agentsAndPending() throws Exception {
        String id = "list-" + UUID.randomUUID();
        probe.publish("nodes/alpha/list", JSON.writeValueAsString(Map.of("request_id", id, "reply_to", "test/results")));
        return await(id).toString();
    }

    /** A spawn of a counter named {@code name}, its result to test/results. */
    private static Map<String, Object> spawn(String name) {
        Map<String, Object> spawn = new LinkedHashMap<>();
        spawn.put("name", name);
        spawn.put("type", "counter");
        spawn.put("poll_interval", 0.5);
        return spawn;
    }

    /** {@code command} (given a request id and reply topic) signed by {@code operator} for {@code node}, valid 5 minutes. */
    private static Map<String, Object> sign(String operator, String node, String kind, Instant issued, Map<String, Object> command)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(command);
        body.put("request_id", kind + "-" + UUID.randomUUID());
        body.put("reply_to", "test/results");
        return OperatorSigner.of(keys.resolve(operator + ".key")).sign(node, kind, JSON.writeValueAsString(body), issued,
                Duration.ofMinutes(5));
    }

    /** Sends a document as the command its header names (or a spawn, unsigned); returns its request id. */
    @SuppressWarnings("unchecked")
    private static String send(Map<String, Object> document) throws Exception {
        Map<String, Object> header = (Map<String, Object>) document.get("signed");
        String kind = header == null ? "spawn" : (String) header.get("kind");
        String id = header == null ? (String) document.computeIfAbsent("request_id", k -> "unsigned-" + UUID.randomUUID())
                : requestId(document);
        probe.publish("nodes/alpha/" + kind, JSON.writeValueAsString(document));
        return id;
    }

    private static Map<String, Object> await(String requestId) {
        return probe.awaitJson("test/results", "request_id", requestId, LIMIT);
    }

    private static void refused(Map<String, Object> document, String reason) throws Exception {
        send(document);
        probe.await("nodes/alpha/errors", seen -> seen.text().contains(reason), LIMIT);
    }

    /** The agents of alpha, name to state: an unsigned list, which this mode takes. */
    private static Map<String, String> agents() throws Exception {
        String id = "list-" + UUID.randomUUID();
        probe.publish("nodes/alpha/list", JSON.writeValueAsString(Map.of("request_id", id, "reply_to", "test/results")));
        Map<String, String> states = new LinkedHashMap<>();
        for (Object agent : (List<?>) await(id).get("agents")) {
            Map<?, ?> fields = (Map<?, ?>) agent;
            states.put((String) fields.get("name"), (String) fields.get("state"));
        }
        return states;
    }

    private static boolean fileNamed(Path directory, String name) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.anyMatch(file -> file.getFileName().toString().contains(name));
        }
    }
}
