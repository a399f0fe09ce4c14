package io.flotilla.itests.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.OperatorShell;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;
import io.flotilla.pki.PairingRequest;

/**
 * Pairing, as docs/security.md has an operator do it: node {@code hub} hosts the embedded broker
 * over TLS with an enrollment port, and holds the fleet CA; a new node with no certificate runs
 * bin/flotilla --pair, prints its code, and joins once the operator types node:pair on hub's
 * shell. Every other request — a wrong code, a replay, a name paired already, a refused one — signs
 * nothing; node:unpair drops a node at once and keeps it out.
 */
public class PairingIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Pattern CODE = Pattern.compile("node:pair gamma ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Installation installation;
    private static FleetPki pki;
    private static int port;
    private static int enrollmentPort;
    private static NodeProcess hub;
    private static OperatorShell shell;
    private static MqttProbe operator;

    @BeforeClass
    public static void startHub() throws Exception {
        installation = Installation.unpack("pairing");
        pki = new FleetPki(installation);
        pki.initCa();
        pki.issue("hub", "--server", "127.0.0.1");
        pki.issue("operator", "--operator");
        port = MosquittoBroker.freePort();
        enrollmentPort = MosquittoBroker.freePort();
        int sshPort = MosquittoBroker.freePort();
        Path home = home("hub");
        NodeProcess.prepareHome(installation, home);
        append(home.resolve("etc/io.flotilla.broker.cfg"), "operators = operator");
        shell = OperatorShell.allow(home, sshPort);
        // As docs/security.md starts a hub: its identity, the CA it holds, a port for pairing
        hub = NodeProcess.start(installation, "hub", home, "--port", String.valueOf(port), "--ssh-port", String.valueOf(sshPort),
                "--identity", pki.p12("hub").toString(), "--trust", pki.caCertificate().toString(), "--ca", pki.ca().toString(),
                "--enrollment-port", String.valueOf(enrollmentPort));
        hub.await("hub's broker listening", NodeProcess.BOOT_LIMIT, () -> MosquittoBroker.listening(port));
        operator = MqttProbe.tls(url(port), pki.tls("operator")).subscribe("nodes/+/status", "pairing/replies/+");
        operator.awaitJson("nodes/hub/status", "status", "online", NodeProcess.BOOT_LIMIT);
        hub.awaitConsole("it takes pairing requests", NodeProcess.BOOT_LIMIT);
    }

    @AfterClass
    public static void stopHub() throws Exception {
        FleetPki.closeAll(operator, hub);
    }

    private static Path home(String node) {
        return installation.root().getParent().resolve("homes").resolve(node);
    }

    private static String url(int listener) {
        return "ssl://127.0.0.1:" + listener;
    }

    private static void append(Path file, String lines) throws Exception {
        Files.writeString(file, Files.readString(file) + "\n" + lines + "\n");
    }

    private static MqttProbe enrollee() throws MqttException, Exception {
        return MqttProbe.tls(url(enrollmentPort), pki.tls(null), "pairing-probe-" + System.nanoTime());
    }

    @Test
    public void aNewNodePairsWithTheCodeItPrintsAndIsDroppedWhenUnpaired() throws Exception {
        Path home = home("gamma");
        try (NodeProcess gamma = NodeProcess.start(installation, "gamma", home, "--broker", url(port), "--trust",
                pki.caCertificate().toString(), "--pair", url(enrollmentPort))) {
            gamma.awaitConsole("node:pair gamma ", NodeProcess.BOOT_LIMIT);
            Matcher printed = CODE.matcher(gamma.console());
            assertTrue(gamma.console(), printed.find());
            hub.await("gamma's request waiting", LIMIT, () -> run("node:pairing").contains("gamma"));

            String wrong = run("node:pair gamma 0000-0000-0000");
            assertTrue(wrong, wrong.contains("No waiting request of gamma has that code, so nothing was signed"));
            assertFalse(Files.exists(pki.ca().resolve("issued/gamma.crt")));
            assertFalse(Files.exists(home.resolve("etc/identity/gamma.p12")));

            String paired = run("node:pair gamma " + printed.group(1).toLowerCase());
            assertTrue(paired, paired.contains("Paired gamma: certificate"));
            operator.awaitJson("nodes/gamma/status", "status", "online", NodeProcess.BOOT_LIMIT);
            assertTrue(gamma.console(), gamma.console().contains("flotilla: paired: gamma's certificate is valid until"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    home.resolve("etc/identity/gamma.key"))));

            String unpaired = run("node:unpair gamma");
            assertTrue(unpaired, unpaired.contains("Unpaired gamma"));
            operator.awaitJson("nodes/gamma/status", "status", "offline", LIMIT);
            gamma.awaitConsole("Not authorized to connect", LIMIT);
        }
    }

    @Test
    public void aReplayedRequestAndARequestForANamePairedAlreadySignNothing() throws Exception {
        PairingRequest first = PairingRequest.create("delta", keys(), Clock.systemUTC());
        try (MqttProbe newcomer = enrollee().subscribe("pairing/replies/delta")) {
            newcomer.publishJson("pairing/requests/delta", first.toMap());
            hub.await("delta's request waiting", LIMIT, () -> run("node:pairing").contains("delta"));
            assertTrue(run("node:pair delta " + first.code()).contains("Paired delta"));
            newcomer.await("pairing/replies/delta", seen -> seen.text().contains("BEGIN CERTIFICATE"), LIMIT);
            String issued = Files.readString(pki.ca().resolve("issued/delta.crt"));

            newcomer.publishJson("pairing/requests/delta", first.toMap());
            newcomer.await("pairing/replies/delta", seen -> seen.text().contains("a replayed request is never taken again"),
                    LIMIT);

            PairingRequest impostor = PairingRequest.create("delta", keys(), Clock.systemUTC());
            newcomer.publishJson("pairing/requests/delta", impostor.toMap());
            newcomer.await("pairing/replies/delta", seen -> seen.text().contains("delta is paired already"), LIMIT);
            String refused = run("node:pair delta " + impostor.code());
            assertTrue(refused, refused.contains("delta is paired already"));
            assertEquals(issued, Files.readString(pki.ca().resolve("issued/delta.crt")));
        }
    }

    @Test
    public void anOperatorMayRefuseARequest() throws Exception {
        PairingRequest request = PairingRequest.create("epsilon", keys(), Clock.systemUTC());
        try (MqttProbe newcomer = enrollee().subscribe("pairing/replies/epsilon")) {
            newcomer.publishJson("pairing/requests/epsilon", request.toMap());
            hub.await("epsilon's request waiting", LIMIT, () -> run("node:pairing").contains("epsilon"));

            assertTrue(run("node:pair --refuse epsilon").contains("Refused the pairing of epsilon"));

            newcomer.await("pairing/replies/epsilon", seen -> seen.text().contains("an operator refused it"), LIMIT);
            assertFalse(Files.exists(pki.ca().resolve("issued/epsilon.crt")));
            assertFalse(run("node:pairing").contains("epsilon"));
        }
    }

    @Test
    public void aClientWithoutCertificateReachesThePairingTopicsAndNothingElse() throws Exception {
        try (MqttProbe stranger = enrollee()) {
            for (String filter : new String[] {"nodes/+/status", "nodes/hub/spawn", "pairing/requests/+", "#",
                    "$share/flotilla-hub/pairing/replies/+"}) {
                try {
                    stranger.subscribe(filter);
                    throw new AssertionError("a client without a certificate may read " + filter);
                } catch (MqttException refused) {
                    assertEquals(filter, 0x80, refused.getReasonCode());
                }
            }
            operator.subscribe("nodes/hub/spawn", "pairing/requests/#");
            stranger.publish("nodes/hub/spawn", "{\"name\": \"intruder\", \"type\": \"counter\"}");
            stranger.publish("pairing/replies/gamma", "{\"forged\": true}");
            stranger.publish("pairing/requests/not a name", "{\"forged\": \"topic\"}");
            stranger.publish("pairing/requests/marker", "{\"marker\": \"after the stranger\"}");
            operator.await("pairing/requests/marker", seen -> seen.text().contains("after the stranger"), LIMIT);
            assertFalse(operator.seen().toString(), operator.seen().stream().anyMatch(seen -> seen.text().contains("intruder")
                    || seen.text().contains("forged")));
            assertFalse(run("agent:list").contains("intruder"));
        }
    }

    @Test
    public void noClientIsLetInWithoutItsCertificateWhateverElseItSends() throws Exception {
        refused(url(port), null, "probe-" + System.nanoTime(), null, null); // the members' listener: no certificate
        refused(url(enrollmentPort), null, "flotilla-hub", null, null); // a node's client id, to drop it
        // Artemis' own cluster account, whose default password is public
        refused(url(enrollmentPort), null, "pairing-cluster", "ACTIVEMQ.CLUSTER.ADMIN.USER", "CHANGE ME!!");
        refused(url(port), "operator", "probe-" + System.nanoTime(), "ACTIVEMQ.CLUSTER.ADMIN.USER", "CHANGE ME!!");
        operator.awaitJson("nodes/hub/status", "status", "online", LIMIT);
        assertFalse(hub.console(), hub.console().contains("Fleet: node hub is offline"));
    }

    private static void refused(String url, String certificate, String clientId, String user, String password) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(url, clientId,
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setSocketFactory(pki.tls(certificate));
        options.setConnectionTimeout(10);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        try {
            client.connect(options);
            client.disconnect();
            throw new AssertionError("let in: " + clientId + " on " + url + (user == null ? "" : " as " + user));
        } catch (MqttException refused) {
            // refused, by the handshake or by the broker
        } finally {
            client.close();
        }
    }

    private static String run(String command) {
        try {
            return shell.run(command);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static java.security.KeyPair keys() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
