package io.flotilla.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import io.flotilla.itests.sim.FleetSimulator;

/**
 * {@code benchmarks/simulate [--broker HOST:PORT] [--nodes N] [--agents M] [--gpu-every K] [--prefix P]}:
 * a simulated fleet on a broker of your own until Ctrl-C, for watching a real node or dashboard with a
 * big fleet in its view. Every K-th node has the capability {@code gpu}; all have {@code sensor}.
 */
public final class Simulate {

    private Simulate() {
    }

    public static void main(String[] args) throws Exception {
        String broker = "127.0.0.1:1883";
        int nodes = 1000;
        int agents = 10;
        int gpuEvery = 100;
        String prefix = "sim";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--broker" -> broker = value;
                case "--nodes" -> nodes = Integer.parseInt(value);
                case "--agents" -> agents = Integer.parseInt(value);
                case "--gpu-every" -> gpuEvery = Integer.parseInt(value);
                case "--prefix" -> prefix = value;
                default -> {
                    System.err.println("usage: benchmarks/simulate [--broker HOST:PORT] [--nodes N] [--agents M]"
                            + " [--gpu-every K] [--prefix P]; not " + Arrays.toString(args));
                    System.exit(2);
                }
            }
            i++;
        }
        String host = broker.substring(0, broker.lastIndexOf(':'));
        int port = Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1));
        FleetSimulator.Plan plan = new FleetSimulator.Plan(host, port, prefix, nodes, agents, FleetSimulator.gpuEvery(gpuEvery));
        long started = System.nanoTime();
        FleetSimulator simulator = FleetSimulator.start(plan, Duration.ofMinutes(5));
        System.out.printf("%,d simulated nodes with %,d agents each online on %s in %.1f s; Ctrl-C stops them%n", nodes, agents,
                broker, (System.nanoTime() - started) / 1e9);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                simulator.close();
                System.out.printf("stopped: %,d heartbeats, %,d commands, %,d tasks answered%n", simulator.counters().heartbeats(),
                        simulator.counters().commands(), simulator.counters().tasks());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "simulator-stop"));
        stopped.await();
    }
}
