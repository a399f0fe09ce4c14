package io.flotilla.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.flotilla.itests.process.Fleet;

/**
 * What idle agents cost in heap: on node b, which runs them, and on node a when it runs the embedded
 * broker that holds their task subscriptions. Heap is read with {@code jcmd} after a full collection.
 */
final class DensityBenchmarks {

    private final Main.Mode mode;
    private final Report report;
    private final Fleet fleet;
    private final BenchClient client;

    DensityBenchmarks(Main.Mode mode, Report report, Fleet fleet, BenchClient client) {
        this.mode = mode;
        this.report = report;
        this.fleet = fleet;
        this.client = client;
    }

    // ---------------------------------------------------------------- 5: agents per node

    void agentsPerNode() throws Exception {
        long pid = fleet.node("b").pid();
        long before = Jcmd.heapUsedKiB(pid);
        int total = 0;
        for (int target : mode == Main.Mode.FULL ? new int[] {1000, 10_000} : new int[] {1000, 3000}) {
            double seconds = spawnIdle(client, "idle-" + target + "-", target - total);
            int batch = target - total;
            total = target;
            long heap = Jcmd.heapUsedKiB(pid);
            report.add(String.format("%,d idle agents on one node", total), (heap / 1024) + " MiB heap in use",
                    String.format("before: %d MiB; %.1f KiB per agent; %,d spawned in %.1f s (%.0f/s)", before / 1024,
                            (heap - before) / (double) total, batch, seconds, batch / seconds),
                    total == 10_000 ? "≤ 256 MB heap" : "", total == 10_000 ? heap / 1024 <= 256 : null);
        }
        if (mode == Main.Mode.QUICK) {
            report.note("quick mode stops at 3,000 agents; the full mode spawns 10,000");
        }
    }

    /**
     * What the agents of another node cost the node that runs the embedded broker: each agent's task
     * topic is one durable subscription (an Artemis queue) in its node's session.
     */
    void brokerHeapPerAgent() throws Exception {
        long pid = fleet.node("a").pid();
        long before = Jcmd.heapUsedKiB(pid);
        int count = mode.count(3000, 10_000);
        double seconds = spawnIdle(client, "idle-", count);
        long heap = Jcmd.heapUsedKiB(pid);
        report.add(String.format("%,d idle agents on node b: heap of node a, which runs the embedded broker", count),
                (heap / 1024) + " MiB heap in use", String.format("before: %d MiB; %.1f KiB per agent; spawned in %.1f s",
                        before / 1024, (heap - before) / (double) count, seconds), "", null);
    }

    /** Spawns {@code batch} idle echo agents on node b and waits for all of them to run; the seconds it took. */
    private static double spawnIdle(BenchClient client, String prefix, int batch) throws Exception {
        AtomicInteger running = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        client.expect("agents/+/heartbeat", arrival -> {
            if (arrival.json().get("name") instanceof String agent && agent.startsWith(prefix)
                    && "running".equals(arrival.json().get("state")) && running.incrementAndGet() == batch) {
                all.complete(null);
                return true;
            }
            return false;
        });
        long started = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            client.publish("nodes/b/spawn", Map.of("name", prefix + i, "type", "echo", "poll_interval", 0));
        }
        all.get(10, TimeUnit.MINUTES);
        return (System.nanoTime() - started) / 1e9;
    }
}
