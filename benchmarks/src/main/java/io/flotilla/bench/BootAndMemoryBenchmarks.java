package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.LIMIT;
import static io.flotilla.bench.FleetSupport.median;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;

/**
 * How long a node takes from process start to its online status, and the memory (RSS) it holds when
 * idle; each without a broker of its own and with the embedded one, on fleets of one node it starts itself.
 */
final class BootAndMemoryBenchmarks {

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;

    BootAndMemoryBenchmarks(Main.Mode mode, Report report, Installation installation) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
    }

    // ---------------------------------------------------------------- 8: boot and memory

    void bootAndMemory() throws Exception {
        double[] without = boot(Fleet.BrokerKind.MOSQUITTO);
        double[] with = boot(Fleet.BrokerKind.EMBEDDED);
        report.add("boot to online, node without broker", Report.ms(without[0] / 1000) + " s",
                "with the embedded broker: " + Report.ms(with[0] / 1000) + " s", "≤ 5 s", without[0] <= 5000);
        report.add("idle RSS, node without broker", Math.round(without[1]) + " MiB",
                "with the embedded broker: " + Math.round(with[1]) + " MiB", "≤ 160 MiB", without[1] <= 160);
    }

    /** Milliseconds from start to the online status, and the RSS (MiB) 10 s after it; the median of a few boots. */
    private double[] boot(Fleet.BrokerKind kind) throws Exception {
        int boots = mode.count(1, 3);
        List<Long> times = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        for (int i = 0; i < boots; i++) {
            try (Fleet fleet = Fleet.prepare(kind, installation)) {
                long started = System.currentTimeMillis();
                fleet.startNodes("solo");
                Map<String, Object> online = statusOf(fleet, "solo");
                times.add(Math.round(((Number) online.get("timestamp")).doubleValue() * 1000) - started);
                // Idle: what the node holds once booting is over and nothing happens.
                Thread.sleep(10_000);
                rss.add(ProcFiles.residentKiB(fleet.node("solo").pid()) / 1024);
            }
        }
        return new double[] {median(times), median(rss)};
    }

    private static Map<String, Object> statusOf(Fleet fleet, String node) throws Exception {
        try (BenchClient client = new BenchClient(fleet.brokerUrl())) {
            CompletableFuture<BenchClient.Arrival> status = client.expectJson("nodes/" + node + "/status", "status", "online");
            client.subscribe("nodes/" + node + "/status");
            return BenchClient.await(status, LIMIT, "online status of " + node).json();
        }
    }
}
