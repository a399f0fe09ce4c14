package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.LIMIT;
import static io.flotilla.bench.FleetSupport.number;
import static io.flotilla.bench.FleetSupport.spawnAndWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.NodeProcess;

/**
 * The fleet as nodes come and go: how long an agent with its state takes to move between nodes a and
 * b, how soon a node's loss is seen, and how soon a restarted node knows the fleet again.
 */
final class MigrationAndFailureBenchmarks {

    private final Main.Mode mode;
    private final Report report;
    private final Fleet fleet;
    private final BenchClient client;

    MigrationAndFailureBenchmarks(Main.Mode mode, Report report, Fleet fleet, BenchClient client) {
        this.mode = mode;
        this.report = report;
        this.fleet = fleet;
        this.client = client;
    }

    // ---------------------------------------------------------------- 6: migration

    void migration() throws Exception {
        Map<String, Stats> bySize = new LinkedHashMap<>();
        for (int kib : new int[] {1, 1024}) {
            String name = "moving-" + kib + "k";
            Map<String, Object> state = Map.of("count", 0, "blob", "x".repeat(kib * 1024 - 30));
            Path file = fleet.home("a").resolve("data/flotilla/state/" + name + ".json");
            Files.createDirectories(file.getParent());
            Files.write(file, BenchClient.JSON.writeValueAsBytes(state));
            spawnAndWait(client, "a", Map.of("name", name, "type", "counter", "poll_interval", 0));
            List<Long> durations = new ArrayList<>();
            String at = "a";
            for (int i = 0; i < mode.count(6, 20); i++) {
                String to = at.equals("a") ? "b" : "a";
                String id = "move-" + name + "-" + i;
                CompletableFuture<BenchClient.Arrival> result = client.expectJson("nodes/" + at + "/migrate_result",
                        "request_id", id);
                client.publish("nodes/" + at + "/migrate", Map.of("name", name, "target_node", to, "request_id", id));
                Map<String, Object> moved = BenchClient.await(result, LIMIT, "migrate_result " + id).json();
                if (!Boolean.TRUE.equals(moved.get("success"))) {
                    throw new IllegalStateException("migration failed: " + moved);
                }
                durations.add(Math.round(number(moved, "duration_ms") * 1e6));
                at = to;
            }
            bySize.put(kib == 1 ? "1 KB" : "1 MB", new Stats(durations));
        }
        Stats small = bySize.get("1 KB");
        Stats large = bySize.get("1 MB");
        report.add("migration, 1 MB of state", large.summary(), "1 KB of state: " + small.summary(), "≤ 500 ms",
                large.p50Ms() <= 500);
    }

    // ---------------------------------------------------------------- 7: failure detection

    void failureDetection() throws Exception {
        fleet.startNodes("c");
        CompletableFuture<BenchClient.Arrival> will = client.expect("nodes/c/status",
                a -> "connection lost".equals(a.json().get("reason")));
        long killed = System.nanoTime();
        fleet.node("c").kill();
        double willMs = (BenchClient.await(will, LIMIT, "the Will of c").nanos() - killed) / 1e6;

        fleet.startNodes("c");
        CompletableFuture<BenchClient.Arrival> goodbye = client.expect("nodes/c/status",
                a -> "stopped".equals(a.json().get("reason")));
        long stopped = System.nanoTime();
        NodeProcess c = fleet.node("c");
        new ProcessBuilder("kill", "-TERM", String.valueOf(c.pid())).start().waitFor();
        double stopMs = (BenchClient.await(goodbye, LIMIT, "the offline status of c").nanos() - stopped) / 1e6;
        c.awaitExit(LIMIT);
        report.add("offline after SIGKILL (Last Will)", Report.ms(willMs) + " ms", "graceful stop (SIGTERM): "
                + Report.ms(stopMs) + " ms", "", null);

        // The observer restarts: how soon after connecting does it know the fleet again?
        NodeProcess a = fleet.node("a");
        a.stop();
        LocalTime restarted = LocalTime.now();
        NodeProcess again = fleet.startNode("a");
        again.awaitConsole("Fleet: node b is online", LIMIT);
        LocalTime connected = again.printedAt("Connected to").orElseThrow();
        LocalTime known = again.printedAt("Fleet: node b is online").orElseThrow();
        double recovery = Duration.between(connected, known).toNanos() / 1e6;
        double fromStart = Duration.between(restarted, known).toNanos() / 1e6;
        report.add("fleet known again after the observer restarts", Report.ms(recovery) + " ms after connecting",
                "from process start: " + Report.ms(fromStart / 1000) + " s", "≤ 2 s", recovery <= 2000);
    }
}
