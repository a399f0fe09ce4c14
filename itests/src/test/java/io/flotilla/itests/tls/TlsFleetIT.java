package io.flotilla.itests.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;


import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;
import io.flotilla.pki.CertificateIssuer;
import io.flotilla.pki.FleetCa;
import io.flotilla.pki.IssuedFiles;

/**
 * A fleet on TLS, made the way docs/security.md says: a CA and certificates from bin/flotilla, a
 * Mosquitto that requires a client certificate, and nodes started with --identity and --trust. A
 * node with its certificate joins and works; without one, or with one the fleet did not issue, or
 * an expired one, or against a broker whose certificate names another host, nobody gets in, and
 * the node or the launcher says why.
 */
public class TlsFleetIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** Where results for the operator go: under replies/OPERATOR/, which the ACL lets nodes write. */
    private static final String RESULTS = "replies/operator/results";
    private static final String REPLIES = "replies/operator/asks";

    private static Installation installation;
    private static FleetPki pki;
    private static MosquittoBroker broker;
    private static MqttProbe operator;
    private static NodeProcess alpha;
    private static NodeProcess beta;

    @BeforeClass
    public static void startFleet() throws Exception {
        MosquittoBroker.require();
        installation = Installation.unpack("tls");
        pki = new FleetPki(installation);
        pki.initCa();
        pki.issue("broker", "--server", "127.0.0.1", "--server", "localhost");
        for (String node : List.of("alpha", "beta", "nocert", "mallory")) {
            pki.issue(node);
        }
        pki.run("cert", "revoke", "mallory", "--ca", pki.ca().toString());
        pki.issue("operator", "--operator");
        // The ACL the assembly ships, as docs/security.md has an operator use it.
        broker = MosquittoBroker.startTls(pki.root().resolve("mosquitto"), pki.caCertificate(),
                pki.certs().resolve("broker.crt"), pki.certs().resolve("broker.key"),
                "acl_file " + installation.root().resolve("etc/mosquitto/acl"), "crlfile " + pki.ca().resolve("crl.pem"));
        operator = MqttProbe.tls(url(), pki.tls("operator")).subscribe("nodes/+/status", "replies/#",
                "nodes/+/migrate_result", "nodes/+/heartbeat");
        alpha = node("alpha", "--identity", pki.p12("alpha").toString());
        beta = node("beta", "--identity", pki.p12("beta").toString());
        awaitOnline("alpha");
        awaitOnline("beta");
    }

    @AfterClass
    public static void stopFleet() throws Exception {
        FleetPki.closeAll(operator, alpha, beta, broker);
    }

    private static String url() {
        return "ssl://127.0.0.1:" + broker.port();
    }

    private static NodeProcess node(String name, String... identity) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--broker", url(), "--trust", pki.caCertificate().toString()));
        args.addAll(List.of(identity));
        return NodeProcess.start(installation, name, installation.root().getParent().resolve("homes").resolve(name),
                args.toArray(String[]::new));
    }

    private static void awaitOnline(String node) {
        operator.awaitJson("nodes/" + node + "/status", "status", "online", NodeProcess.BOOT_LIMIT);
    }

    private static Map<String, Object> command(String node, String kind, String body) throws Exception {
        String id = kind + "-" + System.nanoTime();
        operator.publish("nodes/" + node + "/" + kind, body.replaceFirst("\\}\\s*$",
                (body.trim().equals("{}") ? "" : ", ") + "\"request_id\": \"" + id + "\", \"reply_to\": \"" + RESULTS + "\"}"));
        return operator.awaitJson(RESULTS, "request_id", id, LIMIT);
    }

    @Test
    public void nodesWithTheirCertificatesSpawnAskAndMoveAgents() throws Exception {
        assertEquals(true, command("alpha", "spawn", "{\"name\": \"tally\", \"type\": \"counter\", \"poll_interval\": 0}")
                .get("success"));
        operator.publish("agents/by-name/tally/task", "{\"payload\": {\"add\": 5}, \"_reply_topic\": \"" + REPLIES + "\", "
                + "\"request_id\": \"a1\"}");
        assertEquals(5, operator.awaitJson(REPLIES, "request_id", "a1", LIMIT).get("result"));

        Map<String, Object> moved = command("alpha", "migrate", "{\"name\": \"tally\", \"target_node\": \"beta\"}");
        assertEquals(moved.toString(), true, moved.get("success"));
        operator.publish("agents/by-name/tally/task", "{\"payload\": \"get\", \"_reply_topic\": \"" + REPLIES + "\", "
                + "\"request_id\": \"a2\"}");
        Map<String, Object> reply = operator.awaitJson(REPLIES, "request_id", "a2", LIMIT);
        assertEquals("beta", reply.get("node"));
        assertEquals(5, reply.get("result"));
        String password = Files.readString(pki.certs().resolve("alpha.pass")).trim();
        assertFalse("no secret in the log", alpha.console().contains(password));
    }

    @Test
    public void oneNodeCanNeitherSpeakForAnotherNorReadItsCommands() throws Exception {
        try (MqttProbe asBeta = MqttProbe.tls(url(), pki.tls("beta"))) {
            asBeta.publish("nodes/alpha/status", "{\"node\": \"alpha\", \"status\": \"offline\", \"forged\": true}", true);
            asBeta.publish("nodes/alpha/heartbeat", "{\"node\": \"alpha\", \"forged\": true}");
            // Mosquitto grants the subscription and delivers nothing the ACL does not let beta read.
            asBeta.subscribe("nodes/alpha/spawn", "nodes/beta/readable");
            operator.publish("nodes/alpha/spawn", "{\"name\": \"only-a-probe\"}");
            operator.publish("nodes/beta/readable", "after alpha's command");
            asBeta.await("nodes/beta/readable", seen -> true, LIMIT);
            assertTrue("beta read alpha's command", asBeta.seenOn("nodes/alpha/spawn").isEmpty());
            asBeta.publish("nodes/beta/heartbeat", "{\"node\": \"beta\", \"marker\": \"after the forgeries\"}");
        }
        operator.await("nodes/beta/heartbeat", seen -> seen.text().contains("after the forgeries"), LIMIT);
        assertTrue("a forged heartbeat of alpha got through", operator.seenOn("nodes/alpha/heartbeat").stream()
                .noneMatch(seen -> seen.text().contains("forged")));
        try (MqttProbe late = MqttProbe.tls(url(), pki.tls("operator")).subscribe("nodes/alpha/status")) {
            assertEquals("alpha is still online, for everyone", "online",
                    late.await("nodes/alpha/status", seen -> true, LIMIT).json().get("status"));
        }
    }

    @Test
    public void aNodeWithoutACertificateIsRefusedAndSaysWhy() throws Exception {
        try (NodeProcess nocert = node("nocert")) {
            nocert.awaitConsole("TLS: the broker wants a certificate from this node", NodeProcess.BOOT_LIMIT);
            assertTrue(operator.seenOn("nodes/nocert/status").isEmpty());
        }
    }

    @Test
    public void certificatesTheFleetDidNotIssueOrThatExpiredGetNobodyIn() throws Exception {
        Path other = pki.root().resolve("other-ca");
        pki.run("ca", "init", "--dir", other.toString());
        pki.run("cert", "issue", "mallory", "--ca", other.toString(), "--out", pki.root().resolve("other").toString());
        Clock longAgo = Clock.offset(Clock.systemUTC(), Duration.ofDays(-400));
        IssuedFiles.write(new CertificateIssuer(FleetCa.load(pki.ca()), longAgo).issue("old", CertificateIssuer.Role.NODE,
                List.of(), 30), "old", pki.root().resolve("other"), null);

        for (String client : List.of("mallory", "old")) {
            try {
                MqttProbe.tls(url(), FleetPki.tls(pki.root().resolve("other").resolve(client + ".p12"), pki.ca())).close();
                throw new AssertionError(client + " got in");
            } catch (org.eclipse.paho.client.mqttv3.MqttException refused) {
                // the broker refused the handshake
            }
        }
        Installation.Result stranger = installation.run(LIMIT, "--name", "mallory", "--home",
                pki.root().resolve("mallory-home").toString(), "--broker", url(), "--trust", pki.caCertificate().toString(),
                "--identity", pki.root().resolve("other").resolve("mallory.p12").toString());
        assertEquals(stranger.output(), 2, stranger.exitCode());
        assertTrue(stranger.output(), stranger.output().contains("is not signed by the CA of"));
        Installation.Result expired = installation.run(LIMIT, "--name", "old", "--home", pki.root().resolve("old-home").toString(),
                "--broker", url(), "--identity", pki.root().resolve("other").resolve("old.p12").toString());
        assertEquals(2, expired.exitCode());
        assertTrue(expired.output(), expired.output().contains("expired on"));
        Files.writeString(pki.root().resolve("wrong.pass"), "guess");
        Installation.Result wrong = installation.run(LIMIT, "--name", "alpha2", "--home", pki.root().resolve("a2-home").toString(),
                "--broker", url(), "--identity", pki.p12("alpha").toString(), "--identity-password-file",
                pki.root().resolve("wrong.pass").toString());
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.output(), wrong.output().contains("does not open"));
        assertFalse(wrong.output().contains("guess"));
    }

    @Test
    public void aBrokerWhoseCertificateNamesAnotherHostIsRefusedByTheNode() throws Exception {
        pki.issue("elsewhere", "--server", "broker.example");
        pki.issue("fooled");
        try (MosquittoBroker impostor = MosquittoBroker.startTls(pki.root().resolve("impostor"), pki.caCertificate(),
                pki.certs().resolve("elsewhere.crt"), pki.certs().resolve("elsewhere.key"));
                NodeProcess fooled = NodeProcess.start(installation, "fooled", pki.root().resolve("fooled-home"), "--broker",
                        "ssl://127.0.0.1:" + impostor.port(), "--trust", pki.caCertificate().toString(), "--identity",
                        pki.p12("fooled").toString())) {
            fooled.awaitConsole("TLS: the broker's certificate does not name the host this node connects to",
                    NodeProcess.BOOT_LIMIT);
        }
    }

    @Test
    public void aRevokedCertificateCannotConnect() throws Exception {
        try {
            MqttProbe.tls(url(), pki.tls("mallory")).close();
            throw new AssertionError("Mosquitto let in a certificate the CA revoked");
        } catch (MqttException refused) {
            // the handshake failed: Mosquitto checked the CA's crl.pem
        }
        MqttProbe.tls(url(), pki.tls("nocert")).close(); // while an unrevoked one of the same CA gets in
    }
}
