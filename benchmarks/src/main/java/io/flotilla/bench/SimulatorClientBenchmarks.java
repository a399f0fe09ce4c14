package io.flotilla.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;

import io.flotilla.itests.sim.NettyThreads;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * Which MQTT client the fleet simulator (issue 17) holds its thousands of node connections with: each
 * simulated node connects with a retained Last Will, publishes its retained online status and
 * subscribes to its own command topics, as a node does. Per connection: the time to set them all up,
 * the threads and the heap they hold. Paho's async client, which the nodes use, beside HiveMQ's on
 * one shared Netty event loop, in the same run, against one Mosquitto of the benchmark's own.
 */
final class SimulatorClientBenchmarks {

    private final Main.Mode mode;
    private final Report report;

    SimulatorClientBenchmarks(Main.Mode mode, Report report) {
        this.mode = mode;
        this.report = report;
    }

    /** What one client library cost for {@code count} simulated nodes. */
    private record Cost(String client, int count, long millis, int threads, long heapKiB) {
        String summary() {
            return String.format("%,d connections in %.1f s; %.2f threads and %.1f KiB of heap each", count, millis / 1000.0,
                    threads / (double) count, heapKiB / (double) count);
        }
    }

    void clientCost() throws Exception {
        int count = mode.count(1000, 3000);
        Path directory = Files.createTempDirectory("flotilla-sim-broker");
        try (MosquittoBroker broker = MosquittoBroker.start(directory)) {
            Cost hivemq = measure("HiveMQ", count, () -> hivemq(broker.port(), count));
            Cost paho = measure("Paho", count, () -> paho(broker.url(), count));
            report.add("simulated node connections, HiveMQ client", hivemq.summary(), "Paho async client: " + paho.summary(),
                    "", null);
        }
    }

    @FunctionalInterface
    private interface Connections {
        /** Connects them all; the returned action disconnects them all. */
        AutoCloseable open() throws Exception;
    }

    private static Cost measure(String client, int count, Connections connections) throws Exception {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = heapKiB();
        long started = System.nanoTime();
        try (AutoCloseable open = connections.open()) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
            long heap = heapKiB() - heapBefore;
            return new Cost(client, count, millis, threads, heap);
        }
    }

    private static long heapKiB() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    }

    private static byte[] status(String node, String state) {
        return ("{\"node\": \"" + node + "\", \"status\": \"" + state + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static AutoCloseable hivemq(int port, int count) throws Exception {
        NettyThreads netty = new NettyThreads("simulator-clients-netty", 2);
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        List<CompletableFuture<?>> ready = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String node = "sim-hivemq-" + i;
            Mqtt3AsyncClient client = Mqtt3Client.builder().identifier(node).serverHost("127.0.0.1").serverPort(port)
                    .executorConfig(netty.config()).willPublish().topic("nodes/" + node + "/status").payload(status(node, "offline")).qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true).applyWillPublish().buildAsync();
            client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, publish -> { });
            clients.add(client);
            ready.add(client.connectWith().cleanSession(false).keepAlive(60).send()
                    .thenCompose(ack -> client.subscribeWith().topicFilter("nodes/" + node + "/+").qos(MqttQos.AT_LEAST_ONCE).send())
                    .thenCompose(ack -> client.publishWith().topic("nodes/" + node + "/status").payload(status(node, "online"))
                            .qos(MqttQos.AT_LEAST_ONCE).retain(true).send()));
        }
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        return () -> {
            try {
                CompletableFuture.allOf(clients.stream().map(Mqtt3AsyncClient::disconnect)
                        .toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            } finally {
                netty.close();
            }
        };
    }

    /** Paho's clients, each step for all of them at once, then awaited: as concurrent as its API allows. */
    private static AutoCloseable paho(String url, int count) throws Exception {
        List<MqttAsyncClient> clients = new ArrayList<>();
        List<IMqttToken> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String node = "sim-paho-" + i;
            MqttAsyncClient client = new MqttAsyncClient(url, node, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setKeepAliveInterval(60);
            options.setMaxInflight(10);
            options.setWill("nodes/" + node + "/status", status(node, "offline"), 1, true);
            clients.add(client);
            steps.add(client.connect(options));
        }
        awaitAll(steps);
        for (int i = 0; i < count; i++) {
            steps.add(clients.get(i).subscribe("nodes/sim-paho-" + i + "/+", 1));
            steps.add(clients.get(i).publish("nodes/sim-paho-" + i + "/status", status("sim-paho-" + i, "online"), 1, true));
        }
        awaitAll(steps);
        return () -> {
            for (MqttAsyncClient client : clients) {
                steps.add(client.disconnect());
            }
            awaitAll(steps);
            for (MqttAsyncClient client : clients) {
                client.close();
            }
        };
    }

    private static void awaitAll(List<IMqttToken> tokens) throws Exception {
        for (IMqttToken token : tokens) {
            token.waitForCompletion(TimeUnit.MINUTES.toMillis(5));
        }
        tokens.clear();
    }
}
