package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.LIMIT;
import static io.flotilla.bench.FleetSupport.median;
import static io.flotilla.bench.FleetSupport.number;
import static io.flotilla.bench.FleetSupport.spawnAndWait;
import static io.flotilla.bench.FleetSupport.stopAndForget;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLSocketFactory;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.tls.FleetPki;
import io.flotilla.mqtt.internal.NoDelaySocketFactory;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * What TLS costs: beside the plain fleet (nodes a and b on Mosquitto), nodes c and d join a second
 * Mosquitto set up as docs/security.md has it (TLS, a client certificate of the fleet CA required,
 * the shipped ACL), with certificates from bin/flotilla. Spawns and remote asks alternate between
 * the two fleets, round by round, so that a noisy moment of the machine weighs on both alike.
 */
final class TlsCostBenchmarks {

    private static final int ROUNDS = 5;
    private static final String PINGED = "replies/operator/pinged";
    private static final String STOPPED = "replies/operator/stopped";
    private static final String SECURE_A = "secure-a";
    private static final String SECURE_B = "secure-b";

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;
    private final BenchClient plain;

    /** {@code plain} is the client of the plain fleet, whose nodes a and b run. */
    TlsCostBenchmarks(Main.Mode mode, Report report, Installation installation, BenchClient plain) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
        this.plain = plain;
    }

    void tlsCost() throws Exception {
        Path pki = installation.root().getParent().resolve("tls-pki");
        Path ca = pki.resolve("ca");
        Path certs = pki.resolve("certs");
        run("ca", "init", "--dir", ca.toString());
        run("cert", "issue", "broker", "--ca", ca.toString(), "--out", certs.toString(), "--server", "127.0.0.1");
        for (String node : new String[] {SECURE_A, SECURE_B}) {
            run("cert", "issue", node, "--ca", ca.toString(), "--out", certs.toString());
        }
        run("cert", "issue", "operator", "--ca", ca.toString(), "--out", certs.toString(), "--operator");
        try (MosquittoBroker broker = MosquittoBroker.startTls(pki.resolve("mosquitto"), ca.resolve("ca.crt"),
                certs.resolve("broker.crt"), certs.resolve("broker.key"),
                "acl_file " + installation.root().resolve("etc/mosquitto/acl"));
                NodeProcess secureA = node(SECURE_A, broker, ca, certs);
                NodeProcess secureB = node(SECURE_B, broker, ca, certs);
                BenchClient secure = new BenchClient("ssl://127.0.0.1:" + broker.port(), tls(certs.resolve("operator.p12"), ca))) {
            secure.subscribe("agents/+/heartbeat", "replies/operator/#");
            spawnLatency(secure);
            remoteAsk(secure);
        }
    }

    private void spawnLatency(BenchClient secure) throws Exception {
        int perRound = mode.count(40, 200);
        List<Double> plainP50 = new ArrayList<>();
        List<Double> tlsP50 = new ArrayList<>();
        List<String> spawned = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // warm-up, both sides
            spawned.add("tls-warm-" + i);
            spawnAndWait(plain, "a", echo("tls-warm-" + i));
            spawnAndWait(secure, SECURE_A, echo("tls-warm-" + i));
        }
        for (int round = 0; round < ROUNDS; round++) {
            List<Long> plainRound = new ArrayList<>();
            List<Long> tlsRound = new ArrayList<>();
            for (int i = 0; i < perRound; i++) {
                spawned.add("tls-cmp-" + round + "-" + i);
                plainRound.add(spawnAndWait(plain, "a", echo("tls-cmp-" + round + "-" + i)));
                tlsRound.add(spawnAndWait(secure, SECURE_A, echo("tls-cmp-" + round + "-" + i)));
            }
            plainP50.add(new Stats(plainRound).p50Ms());
            tlsP50.add(new Stats(tlsRound).p50Ms());
        }
        double tls = median(tlsP50);
        double bare = median(plainP50);
        report.add("spawn → running over TLS (Mosquitto, client certificates, ACL)", "p50 " + Report.ms(tls) + " ms",
                "plain, same run: p50 " + Report.ms(bare) + " ms (" + String.format("%.2f", tls / bare) + "×)", "", null);
        stopAndForget(plain, "a", spawned, "bench/stopped");
        stopAndForget(secure, SECURE_A, spawned, STOPPED);
    }

    private void remoteAsk(BenchClient secure) throws Exception {
        spawnAndWait(secure, SECURE_B, Map.of("name", "tls-pong", "type", "echo", "poll_interval", 0));
        spawnAndWait(secure, SECURE_A, Map.of("name", "tls-ping", "type", "pinger", "poll_interval", 0));
        spawnAndWait(plain, "b", Map.of("name", "plain-pong", "type", "echo", "poll_interval", 0));
        spawnAndWait(plain, "a", Map.of("name", "plain-ping", "type", "pinger", "poll_interval", 0));
        int count = mode.count(2000, 5000);
        ping(secure, "tls-ping", "tls-pong", count);
        ping(plain, "plain-ping", "plain-pong", count);
        List<Double> plainP50 = new ArrayList<>();
        List<Double> tlsP50 = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            tlsP50.add(number(ping(secure, "tls-ping", "tls-pong", count / ROUNDS), "p50_ms"));
            plainP50.add(number(ping(plain, "plain-ping", "plain-pong", count / ROUNDS), "p50_ms"));
        }
        double tls = median(tlsP50);
        double bare = median(plainP50);
        report.add("remote ask over TLS (Mosquitto, client certificates, ACL)", "p50 " + Report.ms(tls) + " ms",
                "plain, same run: p50 " + Report.ms(bare) + " ms (" + String.format("%.2f", tls / bare) + "×)", "", null);
        stopAndForget(plain, "a", List.of("plain-ping"), "bench/stopped");
        stopAndForget(plain, "b", List.of("plain-pong"), "bench/stopped");
    }

    /** The pinger's one-at-a-time asks of {@code target}; its result comes where the ACL lets a node reply. */
    private static Map<String, Object> ping(BenchClient client, String pinger, String target, int count) throws Exception {
        return FleetSupport.pingerRun(client, pinger, target, count, 1, pinger.startsWith("tls") ? PINGED : "bench/pinged");
    }

    private static Map<String, Object> echo(String name) {
        return Map.of("name", name, "type", "echo", "poll_interval", 0);
    }

    private NodeProcess node(String name, MosquittoBroker broker, Path ca, Path certs) throws Exception {
        Path home = installation.root().getParent().resolve("tls-homes").resolve(name);
        NodeProcess node = NodeProcess.start(installation, name, home, "--broker", "ssl://127.0.0.1:" + broker.port(),
                "--identity", certs.resolve(name + ".p12").toString(), "--trust", ca.resolve("ca.crt").toString());
        node.awaitConsole("Connected to ssl://", NodeProcess.BOOT_LIMIT);
        return node;
    }

    private void run(String... args) throws Exception {
        Installation.Result result = installation.run(LIMIT, args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("bin/flotilla " + String.join(" ", args) + ": " + result.output());
        }
    }

    /** The operator's side of TLS, with Nagle off as every client of the benchmark has it. */
    private static SSLSocketFactory tls(Path p12, Path caDirectory) throws Exception {
        return NoDelaySocketFactory.plainTls(FleetPki.tls(p12, caDirectory));
    }
}
