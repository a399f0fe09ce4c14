package io.flotilla.itests.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

/**
 * A fleet of simulated nodes in one JVM, each on a real MQTT connection of its own to a real broker
 * (HiveMQ's client: every connection shares one Netty event loop, so a thousand cost about 8 KiB of
 * heap and no thread each; Paho's async client took 4 threads and 24 KiB each, BENCHMARKS.md). Each
 * node behaves as {@link SimulatedNode} says; the simulator heartbeats them on one thread, spread over
 * the interval, and can cut a share of them without a DISCONNECT (their Wills fire) and bring them back.
 */
public final class FleetSimulator implements AutoCloseable {

    /** At most this many connects in flight, so that the broker's listen backlog never overflows. */
    private static final int CONNECTS_IN_FLIGHT = 256;

    private final Map<String, SimulatedNode> nodes = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final Map<String, ScheduledFuture<?>> heartbeats = new ConcurrentHashMap<>();
    private final SimulatorCounters counters = new SimulatorCounters();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fleet-simulator-heartbeats");
        thread.setDaemon(true);
        return thread;
    });
    private final NettyThreads netty = new NettyThreads("fleet-simulator-netty", 2);
    private final Plan plan;

    /**
     * What to simulate: nodes {@code <prefix>-0} to {@code <prefix>-(nodes-1)}, each with agents
     * {@code <node>-a0} and on, heartbeating every {@code heartbeat}, with the capabilities
     * {@code capabilities} gives for the node's number.
     */
    public record Plan(String host, int port, String prefix, int nodes, int agentsPerNode, Duration heartbeat,
            IntFunction<List<String>> capabilities, String topicPrefix) {

        public Plan(String host, int port, String prefix, int nodes, int agentsPerNode, IntFunction<List<String>> capabilities) {
            this(host, port, prefix, nodes, agentsPerNode, Duration.ofSeconds(10), capabilities, "");
        }
    }

    /** Capabilities for a plan: {@code sensor} on every node, and {@code gpu} too on every {@code k}-th from the first. */
    public static IntFunction<List<String>> gpuEvery(int k) {
        int every = Math.max(1, k);
        return n -> n % every == 0 ? List.of("sensor", "gpu") : List.of("sensor");
    }

    private FleetSimulator(Plan plan) {
        this.plan = plan;
    }

    /** Connects every node of the plan and returns once all are online, or fails after {@code limit}. */
    public static FleetSimulator start(Plan plan, Duration limit) throws Exception {
        FleetSimulator simulator = new FleetSimulator(plan);
        try {
            Wire wire = new Wire(plan.topicPrefix(), plan.heartbeat().toMillis() / 1000.0);
            for (int n = 0; n < plan.nodes(); n++) {
                String name = plan.prefix() + "-" + n;
                List<String> agents = new ArrayList<>();
                for (int a = 0; a < plan.agentsPerNode(); a++) {
                    agents.add(name + "-a" + a);
                }
                Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier("flotilla-" + name)
                        .executorConfig(simulator.netty.config())
                        .serverHost(plan.host()).serverPort(plan.port()).buildAsync();
                SimulatedNode node = new SimulatedNode(name, plan.capabilities().apply(n), agents, client, wire,
                        simulator.counters);
                client.publishes(MqttGlobalPublishFilter.ALL, node::onMessage);
                simulator.nodes.put(name, node);
                simulator.names.add(name);
            }
            simulator.connect(simulator.names, limit);
            return simulator;
        } catch (Exception | Error e) {
            simulator.close();
            throw e;
        }
    }

    public List<String> nodeNames() {
        return List.copyOf(names);
    }

    /** The agents node {@code node} holds now. */
    public List<String> agentsOf(String node) {
        return nodes.get(node).agentNames();
    }

    public SimulatorCounters counters() {
        return counters;
    }

    /** How many nodes are connected now. */
    public int connected() {
        return (int) nodes.values().stream().filter(SimulatedNode::connected).count();
    }

    /** How many agents the connected nodes hold. */
    public int agents() {
        return nodes.values().stream().filter(SimulatedNode::connected).mapToInt(node -> node.agentNames().size()).sum();
    }

    /**
     * Cuts the connections of {@code count} connected nodes, spread evenly over the fleet, without a
     * DISCONNECT: the broker publishes their Wills. Returns their names.
     */
    public List<String> kill(int count) {
        List<String> alive = names.stream().filter(name -> nodes.get(name).connected()).toList();
        if (count > alive.size()) {
            throw new IllegalArgumentException("only " + alive.size() + " nodes are connected, not " + count);
        }
        List<String> killed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            killed.add(alive.get((int) ((long) i * alive.size() / count)));
        }
        for (String name : killed) {
            ScheduledFuture<?> beating = heartbeats.remove(name);
            if (beating != null) {
                beating.cancel(false);
            }
            nodes.get(name).cut();
        }
        return killed;
    }

    /** Connects those nodes again, each with a new incarnation, and returns once all are online. */
    public void revive(List<String> killed, Duration limit) throws Exception {
        connect(killed, limit);
    }

    private void connect(List<String> which, Duration limit) throws Exception {
        Semaphore window = new Semaphore(CONNECTS_IN_FLIGHT);
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        long end = System.nanoTime() + limit.toNanos();
        for (String name : which) {
            if (!window.tryAcquire(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("connecting " + which.size() + " simulated nodes took over " + limit);
            }
            SimulatedNode node = nodes.get(name);
            connects.add(node.connect().whenComplete((done, failure) -> {
                window.release();
                if (failure == null) {
                    beatEvery(node);
                }
            }));
        }
        try {
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a simulated node could not connect to " + plan.host() + ":" + plan.port(), e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException("connecting " + which.size() + " simulated nodes took over " + limit);
        }
    }

    /** Heartbeats the node every interval from now, at a phase of its own so that the fleet's beats spread out. */
    private void beatEvery(SimulatedNode node) {
        long period = plan.heartbeat().toMillis();
        long phase = Math.floorMod(node.name().hashCode(), period);
        heartbeats.put(node.name(), timer.scheduleAtFixedRate(node::beat, phase, period, TimeUnit.MILLISECONDS));
    }

    /** Every node stops as a node does (offline status, then DISCONNECT), within a bounded time. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        List<CompletableFuture<Void>> stops = nodes.values().stream().map(SimulatedNode::stop).toList();
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            System.out.println("Fleet simulator: not every node stopped cleanly (" + e + "); their Wills say they are gone");
            nodes.values().forEach(SimulatedNode::cut);
        }
        timer.awaitTermination(5, TimeUnit.SECONDS);
        netty.close();
    }
}
