package io.flotilla.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.sim.FleetSimulator;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * A big fleet on one Mosquitto (issue 17): simulated nodes with 10 agents each ({@link FleetSimulator},
 * one JVM, one real connection per node) and two real Flotilla nodes observing. How long until each
 * observer's fleet view holds every node, after the fleet starts and after an observer restarts; how
 * soon a tenth of the fleet cut off at once (their Wills) is offline in each view; spawn by capability
 * to running; an ask by name to an agent on a simulated node; the observer's heap per known node and
 * CPU per heartbeat; the broker's memory per node.
 */
final class FleetScaleBenchmarks {

    private static final int AGENTS_PER_NODE = 10;
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;

    FleetScaleBenchmarks(Main.Mode mode, Report report, Installation installation) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
    }

    void fleetOf(int nodes) throws Exception {
        Path work = installation.root().getParent().resolve("fleet-scale-" + nodes);
        Installation.deleteRecursively(work);
        String size = String.format(Locale.ROOT, "%,d", nodes);
        try (MosquittoBroker broker = MosquittoBroker.start(work.resolve("mosquitto"));
                Observer a = Observer.start(installation, "obs-a", work.resolve("obs-a"), "127.0.0.1:" + broker.port());
                Observer b = Observer.start(installation, "obs-b", work.resolve("obs-b"), "127.0.0.1:" + broker.port());
                BenchClient client = new BenchClient(broker.url())) {
            client.subscribe("agents/+/heartbeat");
            List<Observer> observers = List.of(a, b);
            for (Observer observer : observers) {
                observer.await("itself and the other observer online", System.nanoTime(), LIMIT, v -> v.online() == 2);
            }
            long brokerBefore = ProcFiles.residentKiB(broker.pid());
            double idleCpu = cpuPerSecond(a, Duration.ofSeconds(mode.count(10, 20)));
            long[] heapBefore = {a.heapKiB(), b.heapKiB()};

            long started = System.nanoTime();
            FleetSimulator.Plan plan = new FleetSimulator.Plan("127.0.0.1", broker.port(), "sim", nodes, AGENTS_PER_NODE,
                    HEARTBEAT, FleetSimulator.gpuEvery(100), "");
            try (FleetSimulator simulator = FleetSimulator.start(plan, LIMIT)) {
                long connected = System.nanoTime();
                int everyone = nodes + observers.size();
                List<String> full = new ArrayList<>();
                boolean inTime = true;
                for (Observer observer : observers) {
                    long took = observer.await("the whole fleet online", started, LIMIT,
                            v -> v.online() == everyone && v.agents() == (long) nodes * AGENTS_PER_NODE);
                    long afterLast = Math.max(0, took - (connected - started));
                    full.add(observer.name() + " " + secondsText(afterLast));
                    inTime &= afterLast < HEARTBEAT.toNanos();
                }
                report.add("fleet view holds " + size + " nodes, after the last one connected", String.join(", ", full),
                        "the simulator connecting all " + size + ": " + secondsText(connected - started),
                        "< " + HEARTBEAT.toSeconds() + " s (a heartbeat)", inTime);

                steadyState(size, nodes, observers, broker, brokerBefore, heapBefore, idleCpu, simulator);
                cutOff(size, nodes, observers, simulator);
                placeAndAsk(size, a, b, client, simulator);
                restart(size, nodes, b, simulator);
            }
        }
    }

    /** Heap per known node, CPU per heartbeat and the broker's memory, with the fleet settled. */
    private void steadyState(String size, int nodes, List<Observer> observers, MosquittoBroker broker, long brokerBefore,
            long[] heapBefore, double idleCpu, FleetSimulator simulator) throws Exception {
        Observer a = observers.get(0);
        long beatsBefore = simulator.counters().heartbeats();
        Duration window = Duration.ofSeconds(mode.count(30, 60));
        double busyCpu = cpuPerSecond(a, window);
        double beatsPerSecond = (simulator.counters().heartbeats() - beatsBefore) / (double) window.toSeconds();
        double microsPerBeat = (busyCpu - idleCpu) * 1000 / beatsPerSecond;
        report.add("observer CPU per node heartbeat, " + size + " nodes", String.format(Locale.ROOT,
                "%.0f µs (%.1f%% of a core at %.0f heartbeats/s)", microsPerBeat, busyCpu / 10, beatsPerSecond),
                String.format(Locale.ROOT, "the same node without the fleet: %.1f%% of a core", idleCpu / 10),
                "< 200 µs (10,000 nodes in 20% of a core)", microsPerBeat < 200);
        List<String> heaps = new ArrayList<>();
        for (int i = 0; i < observers.size(); i++) {
            long heap = observers.get(i).heapKiB();
            heaps.add(String.format(Locale.ROOT, "%s %.1f KiB", observers.get(i).name(), (heap - heapBefore[i]) / (double) nodes));
        }
        report.add("observer heap per known node (10 agents), " + size + " nodes", String.join(", ", heaps),
                String.format(Locale.ROOT, "before the fleet: %,d KiB", heapBefore[0]), "", null);
        long brokerAfter = ProcFiles.residentKiB(broker.pid());
        report.add("Mosquitto memory per simulated node, " + size + " nodes",
                String.format(Locale.ROOT, "%.1f KiB (%,d KiB in all)", (brokerAfter - brokerBefore) / (double) nodes, brokerAfter),
                String.format(Locale.ROOT, "with the two observers alone: %,d KiB", brokerBefore), "", null);
    }

    /** A tenth of the fleet loses its connections at once: how soon each observer has them all offline. */
    private void cutOff(String size, int nodes, List<Observer> observers, FleetSimulator simulator) throws Exception {
        int count = nodes / 10;
        long cut = System.nanoTime();
        List<String> killed = simulator.kill(count);
        List<String> delays = new ArrayList<>();
        boolean inTime = true;
        for (Observer observer : observers) {
            long took = observer.await(count + " nodes offline", cut, LIMIT, v -> v.offline() == count);
            delays.add(observer.name() + " " + secondsText(took));
            inTime &= took < Duration.ofSeconds(5).toNanos();
        }
        report.add(String.format(Locale.ROOT, "%,d of %s nodes cut off: all offline in each view", count, size),
                String.join(", ", delays), "missed heartbeats would take " + 3 * HEARTBEAT.toSeconds() + " s", "< 5 s", inTime);
        simulator.revive(killed, LIMIT);
        for (Observer observer : observers) {
            observer.await("the cut-off nodes back", System.nanoTime(), LIMIT, v -> v.offline() == 0);
        }
    }

    /** Spawns by capability through an observer's shell, and asks agents on simulated nodes by name. */
    private void placeAndAsk(String size, Observer a, Observer b, BenchClient client, FleetSimulator simulator) throws Exception {
        int rounds = mode.count(20, 100);
        List<Long> shell = new ArrayList<>();
        List<Long> placed = new ArrayList<>();
        List<Long> asks = new ArrayList<>();
        List<String> simulated = simulator.nodeNames();
        for (int i = 0; i < rounds; i++) {
            long echoed = System.nanoTime();
            a.run("echo ready");
            shell.add(System.nanoTime() - echoed);
            String name = "placed-" + i;
            CompletableFuture<BenchClient.Arrival> running = client.expect("agents/+/heartbeat",
                    arrival -> name.equals(arrival.json().get("name")) && "running".equals(arrival.json().get("state")));
            long sent = System.nanoTime();
            String printed = a.run("agent:spawn --type sensor --name " + name + " --requires gpu");
            placed.add(BenchClient.await(running, FleetSupport.LIMIT, name + " running").nanos() - sent);
            if (!printed.contains(" on sim-")) {
                throw new IllegalStateException("the spawn was not placed on a simulated node: " + printed);
            }
            String agent = simulated.get(i * 37 % simulated.size()) + "-a" + i % AGENTS_PER_NODE;
            long asked = System.nanoTime();
            String reply = b.run("agent:send " + agent + " '{\"round\": " + i + "}'");
            asks.add(System.nanoTime() - asked);
            if (!reply.contains("\"round\"")) {
                throw new IllegalStateException("no echo from " + agent + ": " + reply);
            }
        }
        Stats shellStats = new Stats(shell);
        Stats placedStats = new Stats(placed);
        report.add("spawn with requires to running, " + size + " nodes", placedStats.summary(),
                "the shell's own round trip (echo over SSH): " + shellStats.summary(), "p99 < 1 s",
                placedStats.percentileMs(0.99) < 1000);
        report.add("ask by name to an agent on a simulated node, " + size + " nodes", new Stats(asks).summary(),
                "the shell's own round trip: " + shellStats.summary(), "", null);
    }

    /** An observer restarts: how long from its launch until its view holds the fleet again. */
    private void restart(String size, int nodes, Observer observer, FleetSimulator simulator) throws Exception {
        long before = simulator.counters().heartbeats();
        observer.restart();
        long launched = System.nanoTime();
        long shellUp = observer.await("its shell", launched, LIMIT, v -> true);
        long full = observer.await("the whole fleet online", launched, LIMIT,
                v -> v.online() == nodes + 2 && v.agents() == simulator.agents());
        report.add("fleet view holds " + size + " nodes again, from an observer's restart", secondsText(full),
                "its boot (launch to shell): " + secondsText(shellUp), "< boot + " + HEARTBEAT.toSeconds() + " s",
                full < shellUp + HEARTBEAT.toNanos());
        if (simulator.counters().heartbeats() == before) {
            throw new IllegalStateException("the simulator stopped heartbeating");
        }
    }

    /** The process's CPU use over {@code window}, in milliseconds per second (1000: one core). */
    private static double cpuPerSecond(Observer observer, Duration window) throws Exception {
        long cpu = observer.cpuMillis();
        long start = System.nanoTime();
        Thread.sleep(window.toMillis()); // the measuring window itself
        return (observer.cpuMillis() - cpu) * 1e9 / (System.nanoTime() - start);
    }

    private static String secondsText(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
