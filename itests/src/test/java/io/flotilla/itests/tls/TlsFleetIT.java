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

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.UUID;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.testing.MosquittoBroker;
import io.flotilla.mqtt.testing.MqttProbe;
import io.flotilla.pki.CertificateIssuer;
import io.flotilla.pki.FleetCa;
import io.flotilla.pki.IssuedFiles;
import io.flotilla.util.OperatorSigner;
import io.flotilla.util.SignedEnvelope;

/**
 * A fleet on TLS, made the way docs/security.md says: a CA and certificates from bin/flotilla, a
 * Mosquitto that requires a client certificate, and nodes started with --identity and --trust, in
 * security.mode = signed, trusting the operator's key. A node with its certificate joins and works,
 * and moves agents with messages signed by its certificate; without one, or with one the fleet did
 * not issue, or an expired one, or against a broker whose certificate names another host, nobody
 * gets in, and the node or the launcher says why. A member that turns rogue cannot command another.
 */
public class TlsFleetIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** Where results for the operator go: under replies/OPERATOR/, which the ACL lets nodes write. */
    private static final String RESULTS = "replies/operator/results";
    private static final String REPLIES = "replies/operator/asks";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Installation installation;
    private static FleetPki pki;
    private static MosquittoBroker broker;
    private static MqttProbe operator;
    private static NodeProcess alpha;
    private static NodeProcess beta;
    private static OperatorSigner operatorKey;

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
                "nodes/+/migrate_result", "nodes/+/heartbeat", "nodes/+/errors");
        Installation.Result made = installation.run(LIMIT, "key", "generate", "operator", "--out", pki.root().toString());
        assertEquals(made.output(), 0, made.exitCode());
        operatorKey = OperatorSigner.of(pki.root().resolve("operator.key"));
        for (String node : List.of("alpha", "beta")) {
            Path home = homes().resolve(node);
            NodeProcess.configure(installation, home, "io.flotilla.security.cfg", "mode", "signed");
            Files.copy(pki.root().resolve("operator.pub"), Files.createDirectories(home.resolve("etc/operators"))
                    .resolve("operator.pub"));
        }
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
        return NodeProcess.start(installation, name, homes().resolve(name), args.toArray(String[]::new));
    }

    private static Path homes() {
        return installation.root().getParent().resolve("homes");
    }

    private static void awaitOnline(String node) {
        operator.awaitJson("nodes/" + node + "/status", "status", "online", NodeProcess.BOOT_LIMIT);
    }

    /** A command of the operator's, signed with its key, and its result. */
    private static Map<String, Object> command(String node, String kind, String body) throws Exception {
        String id = kind + "-" + System.nanoTime();
        Map<String, Object> fields = new LinkedHashMap<>(JSON.readValue(body, Map.class));
        fields.put("request_id", id);
        fields.put("reply_to", RESULTS);
        operator.publish("nodes/" + node + "/" + kind, JSON.writeValueAsString(operatorKey.sign(node, kind,
                JSON.writeValueAsString(fields), Instant.now(), Duration.ofMinutes(5))));
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
    public void aRogueMemberCanNeitherCommandANodeNorForgeAMove() throws Exception {
        Map<String, Object> arrival = new LinkedHashMap<>(Map.of("name", "implant", "epoch", 7, "actor_id",
                UUID.randomUUID().toString(), "config", Map.of("name", "implant", "type", "counter"), "state", Map.of(),
                "code", Map.of("location", "file:/tmp/implant.jar", "sha256", "0".repeat(64), "size", 1)));
        try (MqttProbe asBeta = MqttProbe.tls(url(), pki.tls("beta"))) {
            asBeta.publish("nodes/alpha/migrate_in", JSON.writeValueAsString(withFrom(arrival, "beta")));
            awaitRefusal("unsigned: this node takes migrate_in only signed");
            // The broker's ACL keeps beta off alpha's spawn topic; its signature, relayed by whoever may publish there, is no better
            operator.publish("nodes/alpha/spawn", signedByNode("beta", "alpha", "spawn", Map.of("name", "implant",
                    "type", "counter")));
            awaitRefusal("not allowed: a node signs only code_request, migrate_abort, migrate_in, not spawn");
            asBeta.publish("nodes/alpha/migrate_in", signedByNode("beta", "alpha", "migrate_in", withFrom(arrival, "gamma")));
            awaitRefusal("is gamma, and node beta signed the message");
            String asAlpha = signedByNode("beta", "alpha", "migrate_in", withFrom(arrival, "beta")).replace("node:beta",
                    "node:alpha");
            asBeta.publish("nodes/alpha/migrate_in", asAlpha);
            awaitRefusal("bad signature: not signed with node alpha's certificate");
        }
        try (MqttProbe asOperator = MqttProbe.tls(url(), pki.tls("operator"))) {
            // The operator's certificate is the fleet CA's too, but no node's: it signs no node's message
            asOperator.publish("nodes/alpha/migrate_in", signedByNode("operator", "alpha", "migrate_in",
                    withFrom(arrival, "operator")));
            awaitRefusal("bad signature: not signed with node operator's certificate");
        }

        Map<String, Object> listed = command("alpha", "list", "{}");
        assertFalse(listed.toString(), listed.toString().contains("implant"));
        try (java.util.stream.Stream<Path> files = Files.walk(homes().resolve("alpha/data"))) {
            assertTrue("a forged arrival left a file", files.noneMatch(file -> file.toString().contains("implant")));
        }
    }

    private static Map<String, Object> withFrom(Map<String, Object> arrival, String node) {
        Map<String, Object> from = new LinkedHashMap<>(arrival);
        from.put("from_node", node);
        return from;
    }

    private static void awaitRefusal(String reason) {
        operator.await("nodes/alpha/errors", seen -> seen.text().contains(reason), LIMIT);
    }

    /** {@code command} for {@code target}, signed as node {@code signer} with the key of its p12. */
    private static String signedByNode(String signer, String target, String kind, Map<String, Object> command)
            throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        char[] password = Files.readString(pki.certs().resolve(signer + ".pass")).trim().toCharArray();
        try (var in = Files.newInputStream(pki.p12(signer))) {
            store.load(in, password);
        }
        String alias = java.util.Collections.list(store.aliases()).stream().filter(a -> isKey(store, a)).findFirst()
                .orElseThrow();
        String text = JSON.writeValueAsString(command);
        SignedEnvelope envelope = SignedEnvelope.fresh("node:" + signer, target, kind, Instant.now(), Duration.ofMinutes(5));
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign((PrivateKey) store.getKey(alias, password));
        signature.update(envelope.signedBytes(text));
        return JSON.writeValueAsString(envelope.document(text, signature.sign(), store.getCertificate(alias).getEncoded()));
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(e);
        }
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
