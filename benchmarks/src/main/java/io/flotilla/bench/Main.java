package io.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import io.flotilla.itests.process.Installation;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * {@code benchmarks/run [--quick | --full] [--out FILE] [--only TEXT]}: every figure of the benchmark
 * issue, each measured in the same run as what it is compared with, printed as it comes and written as
 * a table. {@code --only} runs the sections whose names contain TEXT, for profiling one of them.
 */
public final class Main {

    /** How long and how often. */
    enum Mode {
        QUICK, FULL;

        /** How many times or things: {@code quick} in the quick mode, {@code full} in the full one. */
        int count(int quick, int full) {
            return this == FULL ? full : quick;
        }
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.QUICK;
        Path out = Path.of("benchmarks/target/benchmark-results.md");
        String only = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> mode = Mode.QUICK;
                case "--full" -> mode = Mode.FULL;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                default -> {
                    System.err.println("usage: benchmarks/run [--quick | --full] [--out FILE] [--only TEXT]");
                    System.exit(2);
                }
            }
        }
        if (!MosquittoBroker.require()) {
            System.err.println("mosquitto is needed for the fleet figures: apt-get install mosquitto mosquitto-clients");
            System.exit(2);
        }
        long started = System.nanoTime();
        Report report = new Report(mode.name().toLowerCase(Locale.ROOT));
        System.out.println("Flotilla benchmark, " + mode.name().toLowerCase(Locale.ROOT) + " mode, on " + Report.machine());

        Sections sections = new Sections(only, report);
        Mode chosen = mode;
        sections.run("local messages, beside Apache Pekko (JMH)", () -> localActors(chosen, report));
        sections.run("simulator clients", new SimulatorClientBenchmarks(chosen, report)::clientCost);
        Installation installation = Installation.unpack("bench");
        new FleetBenchmarks(mode, report, installation, sections).run();
        sections.run("embedded broker pair", new BrokerPairBenchmarks(chosen, report, installation)::pair);
        FleetScaleBenchmarks scale = new FleetScaleBenchmarks(chosen, report, installation);
        sections.run("fleet of 1,000 simulated nodes", () -> scale.fleetOf(1000));
        if (mode == Mode.FULL || only.contains("10,000")) {
            // As far as this 2-core machine goes: in the full run, or when asked for by its size
            sections.run("fleet of 10,000 simulated nodes", () -> scale.fleetOf(10_000));
        }

        long seconds = Math.round((System.nanoTime() - started) / 1e9);
        report.write(out, seconds);
        System.out.println("Done in " + seconds + " s; the table is in " + out.toAbsolutePath());
        Files.deleteIfExists(Path.of("jmh.out")); // nothing else of ours is left behind
    }

    private static void localActors(Mode mode, Report report) throws Exception {
        boolean quick = mode == Mode.QUICK;
        Options options = new OptionsBuilder()
                .include(LocalActorsBenchmark.class.getName())
                .forks(1)
                .warmupIterations(quick ? 2 : 5).warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 3 : 10).measurementTime(TimeValue.seconds(quick ? 2 : 3))
                .jvmArgs("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dpekko.loglevel=WARNING",
                        "-Dpekko.stdout-loglevel=WARNING")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        double flotillaTell = score(results, "flotillaTell");
        double pekkoTell = score(results, "pekkoTell");
        report.add("local tell throughput, one agent", String.format(Locale.ROOT, "%,.0f msg/s", flotillaTell),
                String.format(Locale.ROOT, "Pekko typed: %,.0f msg/s (%.2f×)", pekkoTell, flotillaTell / pekkoTell),
                "≥ Pekko", flotillaTell >= pekkoTell);
        Result<?> flotillaAsk = result(results, "flotillaAsk");
        Result<?> pekkoAsk = result(results, "pekkoAsk");
        report.add("local ask round trip", percentiles(flotillaAsk), "Pekko typed: " + percentiles(pekkoAsk), "", null);
    }

    private static RunResult run(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result for " + method));
    }

    private static double score(Collection<RunResult> results, String method) {
        return run(results, method).getPrimaryResult().getScore();
    }

    private static Result<?> result(Collection<RunResult> results, String method) {
        return run(results, method).getPrimaryResult();
    }

    /** A sampled time's p50 and p99, in microseconds. */
    private static String percentiles(Result<?> sampled) {
        var statistics = sampled.getStatistics();
        return String.format(Locale.ROOT, "p50 %.1f µs, p99 %.1f µs", statistics.getPercentile(50), statistics.getPercentile(99));
    }
}
