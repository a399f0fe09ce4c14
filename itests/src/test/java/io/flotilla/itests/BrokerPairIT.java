package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
 * backup}), and an edge node that lists both. The backup copies the primary and serves nothing
 * until the primary is gone; then a command the primary had accepted for the edge while the edge
 * was away is delivered by the backup when the edge comes back, the fleet's retained statuses are
 * there, and agents answer asks through it.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class BrokerPairIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static Installation installation;
    private static Path work;
    private static int mqttA;
    private static int mqttB;
    private static NodeProcess hubA;
    private static NodeProcess hubB;
    private static NodeProcess edge;
    private static OperatorShell hubBShell;
    private static MqttProbe onA;
    private static MqttProbe onB;

    @BeforeClass
    public static void startAPairOfHubsAndAnEdgeNode() throws Exception {
        installation = Installation.unpack("pair");
        work = installation.root().getParent().resolve("pair-fleet");
        Installation.deleteRecursively(work);
        Files.createDirectories(work);
        Path secret = Files.writeString(work.resolve("pair.secret"), "a secret both hubs of the pair hold\n");
        mqttA = MosquittoBroker.freePort();
        mqttB = MosquittoBroker.freePort();
        int replicationA = MosquittoBroker.freePort();
        int replicationB = MosquittoBroker.freePort();
        int hubBSsh = MosquittoBroker.freePort();
        NodeProcess.prepareHome(installation, work.resolve("hub-b"));
        hubBShell = OperatorShell.allow(work.resolve("hub-b"), hubBSsh);
        // hub-a beats every second, so that the fleet notices it gone within seconds: its Will dies with its broker
        NodeProcess.configure(installation, work.resolve("hub-a"), "io.flotilla.node.cfg", "heartbeat.interval", "1");

        hubA = NodeProcess.start(installation, "hub-a", work.resolve("hub-a"), "--port", String.valueOf(mqttA),
                "--broker", brokers(), "--ha", "primary", "--ha-port", String.valueOf(replicationA),
                "--ha-peer", "127.0.0.1:" + replicationB, "--ha-secret", secret.toString());
        hubB = NodeProcess.start(installation, "hub-b", work.resolve("hub-b"), "--port", String.valueOf(mqttB),
                "--broker", brokers(), "--ha", "backup", "--ha-port", String.valueOf(replicationB),
                "--ha-peer", "127.0.0.1:" + replicationA, "--ha-secret", secret.toString(),
                "--ssh-port", String.valueOf(hubBSsh));
        hubA.awaitConsole("backup 127.0.0.1:" + replicationB + " is in step", NodeProcess.BOOT_LIMIT);
        edge = NodeProcess.start(installation, "edge", work.resolve("edge"), "--broker", brokers());
        onA = new MqttProbe("tcp://127.0.0.1:" + mqttA).subscribe("nodes/+/status", "test/#");
        for (String node : new String[] {"hub-a", "hub-b", "edge"}) {
            onA.awaitJson("nodes/" + node + "/status", "status", "online", NodeProcess.BOOT_LIMIT);
        }
    }

    @AfterClass
    public static void stopAll() throws Exception {
        for (NodeProcess node : new NodeProcess[] {edge, hubB, hubA}) {
            if (node != null) {
                node.close();
            }
        }
        for (MqttProbe probe : new MqttProbe[] {onA, onB}) {
            if (probe != null) {
                probe.close();
            }
        }
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
        onB = new MqttProbe("tcp://127.0.0.1:" + mqttB).subscribe("nodes/+/status", "test/#");
        // Retained statuses came with the copy: the edge's Will, which the primary had fired and kept
        Map<String, Object> edgeStatus = onB.awaitJson("nodes/edge/status", "status", "offline", LIMIT);
        assertEquals(edgeStatus.toString(), "connection lost", edgeStatus.get("reason"));

        edge = NodeProcess.start(installation, "edge", work.resolve("edge"), "--broker", brokers());
        Map<String, Object> delivered = onB.awaitJson("test/results", "request_id", "queued", NodeProcess.BOOT_LIMIT);
        assertEquals(delivered.toString(), true, delivered.get("success"));
        hubB.awaitConsole("Connected to tcp://127.0.0.1:" + mqttB, LIMIT);
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

    private static Map<String, Object> spawn(MqttProbe probe, String node, String name, String requestId) throws Exception {
        probe.publish("nodes/" + node + "/spawn", spawnDocument(name, requestId), false);
        return probe.awaitJson("test/results", "request_id", requestId, LIMIT);
    }

    private static String spawnDocument(String name, String requestId) {
        return "{\"name\": \"" + name + "\", \"type\": \"echo\", \"request_id\": \"" + requestId
                + "\", \"reply_to\": \"test/results\"}";
    }

    private static String brokers() {
        return "127.0.0.1:" + mqttA + ",127.0.0.1:" + mqttB;
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
