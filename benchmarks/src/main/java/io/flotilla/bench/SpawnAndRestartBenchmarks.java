package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.LIMIT;
import static io.flotilla.bench.FleetSupport.spawnAndWait;
import static io.flotilla.bench.FleetSupport.stopAndForget;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.flotilla.itests.Fixtures;
import io.flotilla.itests.process.Fleet;

/**
 * How soon an agent runs on node a: from the spawn command to its running heartbeat (an installed
 * type, and a bundle from the local Maven repository), and from its restarting heartbeat after a crash.
 */
final class SpawnAndRestartBenchmarks {

    private final Main.Mode mode;
    private final Report report;
    private final Fleet fleet;
    private final BenchClient client;

    SpawnAndRestartBenchmarks(Main.Mode mode, Report report, Fleet fleet, BenchClient client) {
        this.mode = mode;
        this.report = report;
        this.fleet = fleet;
        this.client = client;
    }

    // ---------------------------------------------------------------- 1: spawn latency

    void spawnLatency() throws Exception {
        List<String> spawned = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            spawned.add("warm-" + i);
            spawnAndWait(client, "a", Map.of("name", "warm-" + i, "type", "echo", "poll_interval", 0));
        }
        List<Long> installed = new ArrayList<>();
        for (int i = 0; i < mode.count(200, 1000); i++) {
            spawned.add("spawn-" + i);
            installed.add(spawnAndWait(client, "a", Map.of("name", "spawn-" + i, "type", "echo", "poll_interval", 0)));
        }
        Path repository = fleet.home("a").resolve("system");
        List<Long> fromMaven = new ArrayList<>();
        for (int i = 0; i < mode.count(10, 40); i++) {
            String location = Fixtures.greeterInRepository(repository, "bench-type-" + i, "bench-type-" + i);
            spawned.add("maven-" + i);
            fromMaven.add(spawnAndWait(client, "a", Map.of("name", "maven-" + i, "type", "bench-type-" + i, "bundle", location,
                    "poll_interval", 0)));
        }
        // A thousand idle agents would heartbeat into the later figures: they go.
        stopAndForget(client, "a", spawned, "bench/stopped");
        Stats fast = new Stats(installed);
        Stats slow = new Stats(fromMaven);
        report.add("spawn → running, installed type", fast.summary(), "bundle from the local Maven repository: "
                + slow.summary(), "p50 ≤ 3 ms", fast.p50Ms() <= 3);
        report.add("spawn → running, bundle from local Maven", slow.summary(), "installed type: p50 "
                + Report.ms(fast.p50Ms()) + " ms", "", null);
    }

    // ---------------------------------------------------------------- 2: restart latency

    void restartLatency() throws Exception {
        int restarts = mode.count(20, 100);
        List<Long> gaps = new ArrayList<>();
        AtomicLong restartingAt = new AtomicLong();
        CompletableFuture<Void> enough = new CompletableFuture<>();
        client.expect("agents/+/heartbeat", arrival -> {
            Map<String, Object> beat = arrival.json();
            if (!"crash-loop".equals(beat.get("name"))) {
                return false;
            }
            if ("restarting".equals(beat.get("state"))) {
                restartingAt.set(arrival.nanos());
            } else if ("running".equals(beat.get("state")) && restartingAt.get() != 0) {
                gaps.add(arrival.nanos() - restartingAt.getAndSet(0));
                if (gaps.size() >= restarts) {
                    enough.complete(null);
                    return true;
                }
            }
            return false;
        });
        client.publish("nodes/a/spawn", Map.of("name", "crash-loop", "type", "crasher", "poll_interval", 0.001,
                "restart_delay", 0, "max_restarts", 10_000, "config", Map.of("fail_every", true)));
        enough.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        client.publish("nodes/a/stop", Map.of("name", "crash-loop", "delete", true));
        Stats stats = new Stats(gaps);
        report.add("restart after a crash, restart_delay 0", stats.summary(), "heartbeats restarting → running", "", null);
    }
}
