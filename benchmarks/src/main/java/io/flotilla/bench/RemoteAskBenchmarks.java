package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.median;
import static io.flotilla.bench.FleetSupport.number;
import static io.flotilla.bench.FleetSupport.spawnAndWait;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.flotilla.itests.process.Fleet;
import io.flotilla.mqtt.internal.NoDelaySocketFactory;

/**
 * A remote ask from an agent on node a to one on node b through one broker, its latency and
 * throughput, beside the floor: the same request/reply between two plain Paho clients through that broker.
 */
final class RemoteAskBenchmarks {

    private final Main.Mode mode;
    private final Report report;
    private final Fleet fleet;
    private final BenchClient client;
    private final String broker;

    /** {@code broker} names the fleet's broker in the figures' labels. */
    RemoteAskBenchmarks(Main.Mode mode, Report report, Fleet fleet, BenchClient client, String broker) {
        this.mode = mode;
        this.report = report;
        this.fleet = fleet;
        this.client = client;
        this.broker = broker;
    }

    // ---------------------------------------------------------------- 3: remote asks

    void remoteAsk() throws Exception {
        spawnAndWait(client, "b", Map.of("name", "pong", "type", "echo", "poll_interval", 0));
        spawnAndWait(client, "a", Map.of("name", "ping", "type", "pinger", "poll_interval", 0));
        ping(client, 2000, 1); // warm-up: the nodes run C1 code, compiled as they go
        int count = mode.count(5000, 10_000);
        // Latency in alternating rounds, ask then floor, so that a noisy moment of the machine
        // weighs on both sides alike; the ratio is the median of the rounds' ratios.
        int rounds = 9;
        List<Double> askP50 = new ArrayList<>();
        List<Double> askP99 = new ArrayList<>();
        List<Double> floorP50 = new ArrayList<>();
        List<Double> floorP99 = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Map<String, Object> ask = ping(client, count / rounds, 1);
            Map<String, Object> raw = rawPingPong(fleet.brokerUrl(), count / rounds, 1, true);
            askP50.add(number(ask, "p50_ms"));
            askP99.add(number(ask, "p99_ms"));
            floorP50.add(number(raw, "p50_ms"));
            floorP99.add(number(raw, "p99_ms"));
            ratios.add(number(ask, "p50_ms") / number(raw, "p50_ms"));
        }
        Map<String, Object> throughput = ping(client, count * 5, 64);
        Map<String, Object> floorThroughput = rawPingPong(fleet.brokerUrl(), count * 5, 64, true);
        // Nodes keep persistent sessions (commands reach a node that was away): the same, for context.
        Map<String, Object> durableFloor = rawPingPong(fleet.brokerUrl(), count, 1, false);
        double p50 = median(askP50);
        double floor = median(floorP50);
        double ratio = median(ratios);
        report.add("remote ask a → b via " + broker, "p50 " + Report.ms(p50) + " ms, p99 " + Report.ms(median(askP99))
                + " ms", "raw Paho ping-pong: p50 " + Report.ms(floor) + " ms, p99 " + Report.ms(median(floorP99))
                + " ms (" + String.format("%.2f", ratio) + "×; rounds " + ratios.stream().map(r -> String.format("%.2f", r))
                .toList() + ")", "≤ 1.3× floor, p50 < 1 ms", ratio <= 1.3 && p50 < 1);
        report.add("remote asks per second via " + broker + " (64 in flight)", Math.round(number(throughput, "per_second"))
                + "/s", "raw Paho: " + Math.round(number(floorThroughput, "per_second")) + "/s", "", null);
        report.add("raw Paho ping-pong via " + broker + ", persistent sessions", "p50 " + Report.ms(number(durableFloor, "p50_ms"))
                + " ms, p99 " + Report.ms(number(durableFloor, "p99_ms")) + " ms", "the remote ask: "
                + String.format("%.2f", p50 / number(durableFloor, "p50_ms")) + "× this", "", null);
        client.publish("nodes/a/stop", Map.of("name", "ping", "delete", true));
        client.publish("nodes/b/stop", Map.of("name", "pong", "delete", true));
    }

    private static Map<String, Object> ping(BenchClient client, int count, int concurrency) throws Exception {
        return FleetSupport.pingerRun(client, "ping", "pong", count, concurrency, "bench/pinged");
    }

    /**
     * The floor: two plain Paho clients (Nagle off, QoS 1) playing request/reply through the same
     * broker, with the same shape of JSON, {@code concurrency} requests in flight. Clients with
     * persistent sessions unsubscribe at the end, so the broker keeps nothing for them.
     */
    static Map<String, Object> rawPingPong(String brokerUrl, int count, int concurrency, boolean cleanSession)
            throws Exception {
        MqttAsyncClient requester = rawClient(brokerUrl, cleanSession);
        MqttAsyncClient responder = rawClient(brokerUrl, cleanSession);
        try {
            responder.subscribe("bench/raw/request", 1, (topic, message) -> {
                MqttMessage reply = new MqttMessage(message.getPayload());
                reply.setQos(1);
                responder.publish("bench/raw/reply", reply);
            }).waitForCompletion(10_000);
            long[] sentAt = new long[count];
            long[] nanos = new long[count];
            AtomicInteger issued = new AtomicInteger();
            AtomicInteger ended = new AtomicInteger();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                int index = issued.getAndIncrement();
                if (index >= count) {
                    return;
                }
                MqttMessage request = new MqttMessage(("{\"payload\":\"ping\",\"request_id\":" + index + "}").getBytes(
                        StandardCharsets.UTF_8));
                request.setQos(1);
                sentAt[index] = System.nanoTime();
                try {
                    requester.publish("bench/raw/request", request);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            };
            requester.subscribe("bench/raw/reply", 1, (topic, message) -> {
                String text = new String(message.getPayload(), StandardCharsets.UTF_8);
                int index = Integer.parseInt(text.substring(text.lastIndexOf(':') + 1, text.length() - 1));
                nanos[index] = System.nanoTime() - sentAt[index];
                if (ended.incrementAndGet() == count) {
                    done.complete(null);
                } else {
                    next[0].run();
                }
            }).waitForCompletion(10_000);
            long started = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                next[0].run();
            }
            done.get(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - started) / 1e9;
            Stats stats = new Stats(nanos);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("p50_ms", stats.p50Ms());
            result.put("p99_ms", stats.p99Ms());
            result.put("per_second", count / seconds);
            return result;
        } finally {
            requester.unsubscribe("bench/raw/reply").waitForCompletion(3000);
            responder.unsubscribe("bench/raw/request").waitForCompletion(3000);
            for (MqttAsyncClient client : new MqttAsyncClient[] {requester, responder}) {
                client.disconnect(2000).waitForCompletion(3000);
                client.close();
            }
        }
    }

    static MqttAsyncClient rawClient(String brokerUrl, boolean cleanSession) throws Exception {
        return rawClient(brokerUrl, cleanSession, "raw-" + System.nanoTime(), null);
    }

    /** A plain client as {@code clientId}; {@code received}, if any, gets what arrives from the moment it connects. */
    static MqttAsyncClient rawClient(String brokerUrl, boolean cleanSession, String clientId, IMqttMessageListener received)
            throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        if (received != null) {
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    // the caller sees it in what it receives
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) throws Exception {
                    received.messageArrived(topic, message);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // QoS 1 acknowledgements are awaited on their tokens
                }
            });
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setSocketFactory(NoDelaySocketFactory.plain());
        options.setMaxInflight(1000);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }
}
