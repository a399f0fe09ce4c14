package io.flotilla.itests.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.OperatorShell;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * Two hubs whose embedded brokers are one replicated pair ({@code --ha primary} and {@code --ha
 * backup}) over TLS with the fleet's certificates, and an edge node that lists both. The backup
 * copies the primary and serves nothing until the primary is gone; then a command the primary had
 * accepted for the edge while the edge was away is delivered by the backup when the edge comes back,
 * the fleet's retained statuses are there, and agents answer asks through it. A broker with a
 * certificate of the fleet but not the pair's secret copies nothing and never serves.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class BrokerPairIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Where results for the operator go: under replies/OPERATOR/, which the rules let nodes write. */
    private static final String RESULTS = "replies/operator/results";
    private static final String SECRET = "a secret both hubs of the pair hold";

    private static Installation installation;
    private static FleetPki pki;
    private static Path work;
    private static Path secret;
    private static int enrollmentB;
    private static int mqttA;
    private static int mqttB;
    private static int replicationA;
    private static int replicationB;
    private static NodeProcess hubA;
    private static NodeProcess hubB;
    private static NodeProcess edge;
    private static NodeProcess mallory;
    private static int malloryMqtt;
    private static int malloryReplication;
    private static OperatorShell hubBShell;
    private static MqttProbe onA;
    private static MqttProbe onB;
    private static MqttProbe onAAgain;

    @BeforeClass
    public static void startAPairOfHubsAndAnEdgeNode() throws Exception {
        installation = Installation.unpack("pair");
        pki = new FleetPki(installation);
        pki.initCa();
        for (String hub : List.of("hub-a", "hub-b", "mallory")) {
            pki.issue(hub, "--server", "127.0.0.1");
        }
        pki.issue("edge");
        pki.issue("operator", "--operator");
        work = installation.root().getParent().resolve("pair-fleet");
        Installation.deleteRecursively(work);
        Files.createDirectories(work);
        secret = ownerOnly(work.resolve("pair.secret"), SECRET);
        // All at once: a backup binds its MQTT port only when it takes over
        int[] ports = MosquittoBroker.freePorts(8);
        mqttA = ports[0];
        mqttB = ports[1];
        replicationA = ports[2];
        replicationB = ports[3];
        int hubBSsh = ports[4];
        enrollmentB = ports[5];
        malloryMqtt = ports[6];
        malloryReplication = ports[7];
        for (String hub : List.of("hub-a", "hub-b")) {
            NodeProcess.configure(installation, work.resolve(hub), "io.flotilla.broker.cfg", "operators", "operator");
        }
        hubBShell = OperatorShell.allow(work.resolve("hub-b"), hubBSsh);
        // hub-a beats every second, so that the fleet notices it gone within seconds: its Will dies with its broker
        NodeProcess.configure(installation, work.resolve("hub-a"), "io.flotilla.node.cfg", "heartbeat.interval", "1");

        hubA = hub("hub-a", mqttA, "primary", replicationA, replicationB, secret);
        hubB = hub("hub-b", mqttB, "backup", replicationB, replicationA, secret, "--ssh-port", String.valueOf(hubBSsh),
                "--enrollment-port", String.valueOf(enrollmentB));
        // A fleet member's certificate with a guessed secret, as a second backup of the primary
        Path guess = ownerOnly(work.resolve("guess.secret"), "a secret someone guessed at");
        mallory = NodeProcess.start(installation, "mallory", work.resolve("mallory"), "--port", String.valueOf(malloryMqtt),
                "--broker", "ssl://127.0.0.1:" + malloryMqtt, "--identity", pki.p12("mallory").toString(),
                "--trust", pki.caCertificate().toString(), "--ha", "backup", "--ha-port", String.valueOf(malloryReplication),
                "--ha-peer", "127.0.0.1:" + replicationA, "--ha-secret", guess.toString());
        hubA.awaitConsole(":" + replicationB + " is in step", NodeProcess.BOOT_LIMIT);
        edge = startEdge();
        onA = MqttProbe.tls("ssl://127.0.0.1:" + mqttA, pki.tls("operator")).subscribe("nodes/+/status", "replies/#");
        for (String node : new String[] {"hub-a", "hub-b", "edge"}) {
            onA.awaitJson("nodes/" + node + "/status", "status", "online", NodeProcess.BOOT_LIMIT);
        }
    }

    @AfterClass
    public static void stopAll() throws Exception {
        FleetPki.closeAll(onAAgain, onB, onA, mallory, edge, hubB, hubA);
    }

    private static NodeProcess hub(String name, int mqtt, String role, int replication, int peer, Path secret, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(mqtt), "--broker", brokers(),
                "--identity", pki.p12(name).toString(), "--trust", pki.caCertificate().toString(),
                "--ha", role, "--ha-port", String.valueOf(replication), "--ha-peer", "127.0.0.1:" + peer,
                "--ha-secret", secret.toString()));
        args.addAll(List.of(more));
        return NodeProcess.start(installation, name, work.resolve(name), args.toArray(String[]::new));
    }

    private static NodeProcess startEdge() throws Exception {
        return NodeProcess.start(installation, "edge", work.resolve("edge"), "--broker", brokers(),
                "--identity", pki.p12("edge").toString(), "--trust", pki.caCertificate().toString());
    }

    @Test
    public void aThePrimaryServesTheFleetAndTheBackupOnlyCopiesIt() throws Exception {
        assertTrue("the backup serves MQTT on " + mqttB + " while the primary lives", refuses(mqttB));

        Map<String, Object> spawned = spawn(onA, "edge", "echo-on-edge", "first");
        assertEquals(spawned.toString(), true, spawned.get("success"));
        String reply = hubBShell.run("agent:send echo-on-edge '{\"through\": \"the primary\"}'");
        assertTrue(reply, reply.contains("the primary"));
        hubBShell.awaitOutput("node:list --summary", printed -> printed.strip().startsWith("3 nodes: 3 online"), LIMIT);
    }
    @Test
    public void bACommandThePrimaryAcceptedIsDeliveredByTheBackupAfterThePrimaryDies() throws Exception {
        edge.kill();
        onA.awaitJson("nodes/edge/status", "status", "offline", LIMIT);
        // Accepted: the probe's publish returns once the primary has acknowledged it (QoS 1), and it is for
        // the edge's session only, not retained
        onA.publish("nodes/edge/spawn", spawnDocument("queued-while-away", "queued"), false);

        long killed = System.nanoTime();
        hubA.kill();
        hubB.awaitConsole("took over from its primary", LIMIT);
        long takeover = (System.nanoTime() - killed) / 1_000_000;
        assertFalse("the backup refuses MQTT on " + mqttB + " after it took over", refuses(mqttB));
        onB = MqttProbe.tls("ssl://127.0.0.1:" + mqttB, pki.tls("operator")).subscribe("nodes/+/status", "replies/#");
        // Retained statuses came with the copy: the edge's Will, which the primary had fired and kept
        Map<String, Object> edgeStatus = onB.awaitJson("nodes/edge/status", "status", "offline", LIMIT);
        assertEquals(edgeStatus.toString(), "connection lost", edgeStatus.get("reason"));

        edge = startEdge();
        Map<String, Object> delivered = onB.awaitJson(RESULTS, "request_id", "queued", NodeProcess.BOOT_LIMIT);
        assertEquals(delivered.toString(), true, delivered.get("success"));
        hubB.awaitConsole("Connected to ssl://127.0.0.1:" + mqttB, LIMIT);
        System.out.println("the backup served MQTT " + takeover + " ms after the primary was killed");
        assertTrue("the backup took " + takeover + " ms to take over", takeover < 30_000);
    }

    @Test
    public void cTheFleetGoesOnThroughTheBackup() throws Exception {
        String reply = hubBShell.run("agent:send queued-while-away '{\"after\": \"the takeover\"}'");
        assertTrue(reply, reply.contains("the takeover"));
        // hub-a's Will died with its broker: the fleet counts it offline by its missed heartbeats
        hubBShell.awaitOutput("node:list --summary", printed -> printed.strip().startsWith("3 nodes: 2 online, 1 offline"),
                LIMIT);
        Map<String, Object> spawned = spawn(onB, "edge", "echo-after-takeover", "after");
        assertEquals(spawned.toString(), true, spawned.get("success"));
    }

    @Test
    public void dABrokerWithoutThePairsSecretCopiesNothingAndNeverServes() throws Exception {
        // Seen both ways: the primary refuses the link and Artemis stops the broker, or the link is retried
        // without a word and the broker warns that it has no copy
        mallory.await("mallory's broker refused or without a copy", LIMIT, () -> mallory.console().contains(
                "Unable to authenticate cluster user") || mallory.console().contains("has no copy of its primary"));
        assertTrue("mallory's broker serves MQTT on " + malloryMqtt, refuses(malloryMqtt));
        try (Stream<Path> journal = Files.list(mallory.data().resolve("broker/journal"))) {
            List<Path> copied = journal.filter(file -> file.toString().endsWith(".amq")).toList();
            assertEquals("mallory's broker copied the pair's journal: " + copied, List.of(), copied);
        }
        assertFalse(hubA.console(), hubA.console().contains(":" + malloryReplication + " is in step"));
    }

    @Test
    public void eThePairsAccountOpensNoMqttListenerEvenWithTheSecret() throws Exception {
        // hub-b serves now: its MQTT listener with a fleet member's certificate, its enrollment listener with none
        Map<String, SSLSocketFactory> attempts = Map.of("ssl://127.0.0.1:" + mqttB, pki.tls("edge"),
                "ssl://127.0.0.1:" + enrollmentB, pki.tls(null));
        for (Map.Entry<String, SSLSocketFactory> attempt : attempts.entrySet()) {
            MqttClient intruder = new MqttClient(attempt.getKey(), "enrollee-intruder", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setSocketFactory(attempt.getValue());
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // one CONNECT, no second try as 3.1
            options.setUserName("flotilla-pair");
            options.setPassword(SECRET.toCharArray());
            try {
                intruder.connect(options);
                intruder.disconnect();
                fail("the pair's account with its secret was let in on " + attempt.getKey());
            } catch (MqttException refused) {
                // closed before a CONNACK: nothing was published or subscribed under the account
            } finally {
                intruder.close();
            }
        }
        hubB.await("two refusals of the pair's account", LIMIT, () -> hubB.console().split(
                "it named the broker pair's account", -1).length - 1 == 2);
    }

    @Test
    public void fARestartedPrimaryCopiesWhatTheBackupTookAndServesAgain() throws Exception {
        onB.publish("replies/operator/marker", "written while hub-b served", true);

        hubA = hub("hub-a", mqttA, "primary", replicationA, replicationB, secret);
        hubB.awaitConsole("stops serving in its primary's place", NodeProcess.BOOT_LIMIT);
        hubA.awaitConsole(":" + replicationB + " is in step", LIMIT);
        assertTrue("the backup serves MQTT on " + mqttB + " again", refuses(mqttB));
        onAAgain = MqttProbe.tls("ssl://127.0.0.1:" + mqttA, pki.tls("operator")).subscribe("replies/operator/marker",
                "nodes/+/status", "replies/#");
        assertEquals("written while hub-b served", onAAgain.await("replies/operator/marker", seen -> seen.retained(), LIMIT).text());
        onAAgain.awaitJson("nodes/edge/status", "status", "online", LIMIT);
        String reply = hubBShell.run("agent:send echo-after-takeover '{\"after\": \"the failback\"}'");
        assertTrue(reply, reply.contains("the failback"));
    }

    private static Path ownerOnly(Path file, String text) throws IOException {
        Files.writeString(file, text + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Map<String, Object> spawn(MqttProbe probe, String node, String name, String requestId) throws Exception {
        probe.publish("nodes/" + node + "/spawn", spawnDocument(name, requestId), false);
        return probe.awaitJson(RESULTS, "request_id", requestId, LIMIT);
    }

    private static String spawnDocument(String name, String requestId) {
        return "{\"name\": \"" + name + "\", \"type\": \"echo\", \"request_id\": \"" + requestId
                + "\", \"reply_to\": \"" + RESULTS + "\"}";
    }

    private static String brokers() {
        return "ssl://127.0.0.1:" + mqttA + ",ssl://127.0.0.1:" + mqttB;
    }

    private static boolean refuses(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }
}
