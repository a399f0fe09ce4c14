package io.flotilla.itests.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * The embedded broker secured: node {@code hub} hosts it with its own identity (bin/flotilla
 * --identity --trust, no --broker), so it speaks TLS only, lets in only certificates of the fleet
 * CA, and holds every client to the fleet's rules, as the Mosquitto ACL does; {@code beta} joins it.
 * A node on a network address without TLS is refused unless insecure = true.
 */
public class EmbeddedTlsIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String RESULTS = "replies/operator/results";

    private static Installation installation;
    private static FleetPki pki;
    private static int port;
    private static NodeProcess hub;
    private static NodeProcess beta;
    private static MqttProbe operator;

    @BeforeClass
    public static void startFleet() throws Exception {
        installation = Installation.unpack("embedded-tls");
        pki = new FleetPki(installation);
        pki.initCa();
        pki.issue("hub", "--server", "127.0.0.1", "--server", "localhost");
        pki.issue("beta");
        pki.issue("carol");
        pki.issue("dave");
        pki.issue("operator", "--operator");
        port = MosquittoBroker.freePort();
        Path hubHome = home("hub");
        NodeProcess.prepareHome(installation, hubHome);
        append(hubHome.resolve("etc/io.flotilla.broker.cfg"), "operators = operator");
        hub = NodeProcess.start(installation, "hub", hubHome, "--port", String.valueOf(port), "--identity",
                pki.p12("hub").toString(), "--trust", pki.caCertificate().toString());
        awaitListening();
        operator = MqttProbe.tls(url(), pki.tls("operator"))
                .subscribe("nodes/+/status", "replies/#", "nodes/+/heartbeat", "nodes/+/errors");
        beta = NodeProcess.start(installation, "beta", home("beta"), "--broker", url(), "--identity",
                pki.p12("beta").toString(), "--trust", pki.caCertificate().toString());
        for (String node : new String[] {"hub", "beta"}) {
            operator.awaitJson("nodes/" + node + "/status", "status", "online", NodeProcess.BOOT_LIMIT);
        }
    }

    @AfterClass
    public static void stopFleet() throws Exception {
        FleetPki.closeAll(operator, beta, hub);
    }

    private static Path home(String node) {
        return installation.root().getParent().resolve("homes").resolve(node);
    }

    private static String url() {
        return "ssl://127.0.0.1:" + port;
    }

    private static void append(Path file, String line) throws Exception {
        Files.writeString(file, Files.readString(file) + "\n" + line + "\n");
    }

    private static void awaitListening() {
        hub.await("hub's broker listening", NodeProcess.BOOT_LIMIT, () -> MosquittoBroker.listening(port));
    }

    @Test
    public void nodesWorkThroughTheEmbeddedBrokerOverTls() throws Exception {
        operator.publish("nodes/beta/spawn", "{\"name\": \"keeper\", \"type\": \"counter\", \"poll_interval\": 0, "
                + "\"request_id\": \"s1\", \"reply_to\": \"" + RESULTS + "\"}");
        assertEquals(true, operator.awaitJson(RESULTS, "request_id", "s1", LIMIT).get("success"));
        operator.publish("agents/by-name/keeper/task", "{\"payload\": {\"add\": 3}, \"_reply_topic\": \"replies/operator/asks\", "
                + "\"request_id\": \"a1\"}");
        Map<String, Object> reply = operator.awaitJson("replies/operator/asks", "request_id", "a1", LIMIT);
        assertEquals(3, reply.get("result"));
        assertTrue(hub.console(), hub.console().contains("over TLS, for clients with a certificate of the fleet CA"));
        for (NodeProcess node : new NodeProcess[] {hub, beta}) {
            assertFalse(node.console(), node.console().contains("the broker refused the subscription"));
        }
    }

    @Test
    public void aClientThatVanishesIsOfflineByItsLastWill() throws Exception {
        // The will is sent after the connection is gone, when its certificate can no longer be read from it
        MqttClient carol = new MqttClient(url(), "flotilla-carol", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(pki.tls("carol"));
        options.setWill("nodes/carol/status", "{\"node\": \"carol\", \"status\": \"offline\"}".getBytes(), 1, true);
        carol.connect(options);
        carol.publish("nodes/carol/status", "{\"node\": \"carol\", \"status\": \"online\"}".getBytes(), 1, true);
        operator.awaitJson("nodes/carol/status", "status", "online", LIMIT);

        carol.disconnectForcibly(0, 0, false); // no DISCONNECT: as a node that lost power
        carol.close(true);

        operator.awaitJson("nodes/carol/status", "status", "offline", LIMIT);
    }

    @Test
    public void theBrokerHoldsEachNodeToItsOwnTopics() throws Exception {
        try (MqttProbe asBeta = MqttProbe.tls(url(), pki.tls("beta"))) {
            // hub's commands; and hub's own subscription queue, shared, which would take half of what hub receives
            for (String theirs : new String[] {"nodes/hub/spawn", "$share/flotilla-hub/nodes/+/status"}) {
                try {
                    asBeta.subscribe(theirs);
                    throw new AssertionError("beta may read " + theirs);
                } catch (MqttException refused) {
                    assertEquals(theirs, 0x80, refused.getReasonCode());
                }
            }
            asBeta.publish("nodes/hub/status", "{\"node\": \"hub\", \"status\": \"offline\", \"forged\": true}", true);
            asBeta.publish("nodes/beta/heartbeat", "{\"node\": \"beta\", \"marker\": \"after the forgery\"}");
            operator.await("nodes/beta/heartbeat", seen -> seen.text().contains("after the forgery"), LIMIT);
        }
        try (MqttProbe late = MqttProbe.tls(url(), pki.tls("operator"))
                .subscribe("nodes/hub/status")) {
            assertEquals("online", late.await("nodes/hub/status", seen -> true, LIMIT).json().get("status"));
        }
    }

    @Test
    public void aSubscriptionTheBrokerRefusesIsAnErrorNotASilentHole() throws Exception {
        // A node configured with a topic prefix the broker's rules do not know: they give it none of its topics
        Path home = home("dave");
        NodeProcess.prepareHome(installation, home);
        append(home.resolve("etc/io.flotilla.mqtt.cfg"), "topic.prefix = elsewhere");
        try (NodeProcess dave = NodeProcess.start(installation, "dave", home, "--broker", url(), "--identity",
                pki.p12("dave").toString(), "--trust", pki.caCertificate().toString())) {
            dave.awaitConsole("the broker refused the subscription to elsewhere/nodes/dave/spawn", NodeProcess.BOOT_LIMIT);
            // Its report to nodes/dave/errors is a publish the same rules refuse: the log is where it is seen.
        }
    }

    @Test
    public void aNodeCannotTakeAnotherNodesClientIdToDropIt() throws Exception {
        try {
            MqttProbe.tls(url(), pki.tls("carol"), "flotilla-hub").close();
            throw new AssertionError("carol took hub's client id");
        } catch (MqttException refused) {
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());
        }
        assertFalse(hub.console(), hub.console().contains("Lost the connection"));
    }

    @Test
    public void aClientWithoutACertificateIsNotLetIn() throws Exception {
        try {
            MqttProbe.tls(url(), pki.tls(null)).close();
            throw new AssertionError("a client without a certificate got in");
        } catch (MqttException refused) {
            // the handshake, or the broker, refused it
        }
    }

    @Test
    public void aPlainBrokerOnTheNetworkIsRefusedUnlessInsecure() throws Exception {
        Path home = home("lan");
        NodeProcess.prepareHome(installation, home);
        append(home.resolve("etc/io.flotilla.broker.cfg"), "host = 0.0.0.0");
        String otherPort = String.valueOf(MosquittoBroker.freePort());
        Installation.Result refused = installation.run(LIMIT, "--name", "lan", "--home", home.toString(), "--port", otherPort);
        assertEquals(refused.output(), 2, refused.exitCode());
        assertTrue(refused.output(), refused.output().contains("without TLS, and anyone who reaches it could command the fleet"));

        append(home.resolve("etc/io.flotilla.broker.cfg"), "insecure = true");
        try (NodeProcess insecure = NodeProcess.start(installation, "lan", home, "--port", otherPort)) {
            insecure.awaitConsole("without TLS (insecure = true)", NodeProcess.BOOT_LIMIT);
        }
    }
}
