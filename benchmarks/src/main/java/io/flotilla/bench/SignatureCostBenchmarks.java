package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.LIMIT;
import static io.flotilla.bench.FleetSupport.median;
import static io.flotilla.bench.FleetSupport.number;
import static io.flotilla.bench.FleetSupport.spawnAndWait;
import static io.flotilla.bench.FleetSupport.stopAndForget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.util.OperatorSigner;

/**
 * What signed commands cost: beside node a of the plain fleet (open), node {@code signed} joins the
 * same Mosquitto in {@code security.mode = signed}, trusting the benchmark's operator key. Spawns
 * alternate between the two, round by round; the signed ones are signed by the client, per spawn, as
 * {@code bin/flotilla ctl} signs them, and the time counts from before the signing. Asks are tasks,
 * never signed: they are measured from a pinger on each node, to show that signed mode leaves them alone.
 */
final class SignatureCostBenchmarks {

    private static final int ROUNDS = 5;
    private static final String SIGNED = "signed";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;
    private final Fleet fleet;
    private final BenchClient client;

    SignatureCostBenchmarks(Main.Mode mode, Report report, Installation installation, Fleet fleet, BenchClient client) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
        this.fleet = fleet;
        this.client = client;
    }

    void signatureCost() throws Exception {
        Path keys = fleet.home(SIGNED).resolveSibling("signing-keys");
        Installation.Result made = installation.run(LIMIT, "key", "generate", "bench", "--out", keys.toString());
        if (made.exitCode() != 0) {
            throw new IllegalStateException("bin/flotilla key generate: " + made.output());
        }
        fleet.configure(SIGNED, "io.flotilla.security.cfg", "mode", "signed");
        Path trusted = Files.createDirectories(fleet.home(SIGNED).resolve("etc/operators"));
        Files.copy(keys.resolve("bench.pub"), trusted.resolve("bench.pub"));
        OperatorSigner operator = OperatorSigner.of(keys.resolve("bench.key"));
        fleet.startNodes(SIGNED);
        try {
            spawnLatency(operator);
            remoteAsk(operator);
        } finally {
            fleet.node(SIGNED).stop();
        }
    }

    private void spawnLatency(OperatorSigner operator) throws Exception {
        int perRound = mode.count(40, 200);
        List<Double> openP50 = new ArrayList<>();
        List<Double> signedP50 = new ArrayList<>();
        List<String> spawned = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // warm-up, both sides
            spawned.add("sig-warm-" + i);
            spawnAndWait(client, "a", echo("sig-warm-" + i));
            signedSpawn(operator, echo("sig-warm-" + i));
        }
        for (int round = 0; round < ROUNDS; round++) {
            List<Long> openRound = new ArrayList<>();
            List<Long> signedRound = new ArrayList<>();
            for (int i = 0; i < perRound; i++) {
                String name = "sig-cmp-" + round + "-" + i;
                spawned.add(name);
                openRound.add(spawnAndWait(client, "a", echo(name)));
                signedRound.add(signedSpawn(operator, echo(name)));
            }
            openP50.add(new Stats(openRound).p50Ms());
            signedP50.add(new Stats(signedRound).p50Ms());
        }
        double signed = median(signedP50);
        double open = median(openP50);
        report.add("spawn → running, signed (Ed25519, mode = signed)", "p50 " + Report.ms(signed) + " ms",
                "unsigned, same run: p50 " + Report.ms(open) + " ms (" + String.format("%.2f", signed / open) + "×)", "", null);
        stopAndForget(client, "a", spawned, "bench/stopped");
    }

    private void remoteAsk(OperatorSigner operator) throws Exception {
        spawnAndWait(client, "b", Map.of("name", "sig-pong", "type", "echo", "poll_interval", 0));
        signedSpawn(operator, Map.of("name", "sig-ping", "type", "pinger", "poll_interval", 0));
        spawnAndWait(client, "a", Map.of("name", "open-ping", "type", "pinger", "poll_interval", 0));
        int count = mode.count(2000, 5000);
        ping("sig-ping", count);
        ping("open-ping", count);
        List<Double> openP50 = new ArrayList<>();
        List<Double> signedP50 = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            signedP50.add(number(ping("sig-ping", count / ROUNDS), "p50_ms"));
            openP50.add(number(ping("open-ping", count / ROUNDS), "p50_ms"));
        }
        double signed = median(signedP50);
        double open = median(openP50);
        report.add("remote ask from a node in mode = signed", "p50 " + Report.ms(signed) + " ms",
                "from an open node, same run: p50 " + Report.ms(open) + " ms (" + String.format("%.2f", signed / open) + "×)",
                "", null);
        stopAndForget(client, "a", List.of("open-ping"), "bench/stopped");
        stopAndForget(client, "b", List.of("sig-pong"), "bench/stopped");
    }

    /** Signs and sends a spawn to the signed node; the time from before the signing to the agent's running heartbeat. */
    private long signedSpawn(OperatorSigner operator, Map<String, Object> spawn) throws Exception {
        String name = (String) spawn.get("name");
        CompletableFuture<BenchClient.Arrival> running = client.expect("agents/+/heartbeat",
                a -> a.json().get("name").equals(name) && "running".equals(a.json().get("state")));
        long start = System.nanoTime();
        client.publish("nodes/" + SIGNED + "/spawn", operator.sign(SIGNED, "spawn", JSON.writeValueAsString(spawn),
                Instant.now(), Duration.ofMinutes(5)));
        return BenchClient.await(running, LIMIT, name + " running").nanos() - start;
    }

    /** The pinger's one-at-a-time asks of sig-pong on node b. */
    private Map<String, Object> ping(String pinger, int count) throws Exception {
        return FleetSupport.pingerRun(client, pinger, "sig-pong", count, 1, "bench/pinged");
    }

    private static Map<String, Object> echo(String name) {
        return new LinkedHashMap<>(Map.of("name", name, "type", "echo", "poll_interval", 0));
    }
}
