package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.number;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * Two nodes' embedded brokers as a replicated pair ({@code ha.role}): what the copy costs a QoS 1
 * message with a persistent session (the same clients, before and after the backup is in step),
 * how long the backup takes to serve once the primary is killed, and how many of the messages the
 * primary had acknowledged for a client that was away the backup delivers when it comes back.
 */
final class BrokerPairBenchmarks {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String AWAY = "bench/pair/away";

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;

    BrokerPairBenchmarks(Main.Mode mode, Report report, Installation installation) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
    }

    void pair() throws Exception {
        int replicationA = MosquittoBroker.freePort();
        int replicationC = MosquittoBroker.freePort();
        int mqttC = MosquittoBroker.freePort();
        try (Fleet fleet = Fleet.prepare(Fleet.BrokerKind.EMBEDDED, installation)) {
            Path secret = Files.writeString(Files.createDirectories(fleet.home("a").getParent()).resolve("pair.secret"),
                    "the secret of the benchmark's pair\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            fleet.configure("a", "io.flotilla.broker.cfg", "ha.role", "primary")
                    .configure("a", "io.flotilla.broker.cfg", "ha.port", String.valueOf(replicationA))
                    .configure("a", "io.flotilla.broker.cfg", "ha.peer", "127.0.0.1:" + replicationC)
                    .configure("a", "io.flotilla.broker.cfg", "ha.password.file", secret.toString());
            fleet.startNodes("a");
            int count = mode.count(2_000, 5_000);
            RemoteAskBenchmarks.rawPingPong(fleet.brokerUrl(), 500, 1, false); // warm-up
            Map<String, Object> alone = RemoteAskBenchmarks.rawPingPong(fleet.brokerUrl(), count, 1, false);
            Map<String, Object> aloneFlow = RemoteAskBenchmarks.rawPingPong(fleet.brokerUrl(), count * 5, 64, false);

            NodeProcess backup = fleet.startNode("c", "--port", String.valueOf(mqttC), "--ha", "backup", "--ha-port",
                    String.valueOf(replicationC), "--ha-peer", "127.0.0.1:" + replicationA, "--ha-secret", secret.toString());
            fleet.node("a").awaitConsole(":" + replicationC + " is in step", NodeProcess.BOOT_LIMIT);
            RemoteAskBenchmarks.rawPingPong(fleet.brokerUrl(), 500, 1, false);
            Map<String, Object> copied = RemoteAskBenchmarks.rawPingPong(fleet.brokerUrl(), count, 1, false);
            Map<String, Object> copiedFlow = RemoteAskBenchmarks.rawPingPong(fleet.brokerUrl(), count * 5, 64, false);
            report.add("QoS 1 ping-pong, persistent sessions, via a pair's primary", "p50 " + Report.ms(number(copied, "p50_ms"))
                    + " ms, p99 " + Report.ms(number(copied, "p99_ms")) + " ms; " + Math.round(number(copiedFlow, "per_second"))
                    + "/s with 64 in flight", "before its backup was in step: p50 " + Report.ms(number(alone, "p50_ms")) + " ms, p99 "
                    + Report.ms(number(alone, "p99_ms")) + " ms; " + Math.round(number(aloneFlow, "per_second")) + "/s", "", null);

            int queued = mode.count(1_000, 1_000);
            String clientId = "bench-away-" + System.nanoTime();
            leaveSession(fleet.brokerUrl(), clientId);
            publish(fleet.brokerUrl(), queued);
            long killed = System.nanoTime();
            fleet.node("a").kill();
            long serving = awaitListening(mqttC);
            double takeoverMs = (serving - killed) / 1e6;
            int delivered = collect("tcp://127.0.0.1:" + mqttC, clientId, queued);
            report.add("backup of a pair serving after its primary is killed (SIGKILL)", Report.ms(takeoverMs) + " ms",
                    "", "bounded: < 10 s", takeoverMs < 10_000);
            report.add("messages acknowledged by the primary for a client away, delivered by the backup", delivered + " of "
                    + queued, "", "all", delivered == queued);
            backup.close();
        }
    }

    /** Subscribes {@code clientId} with a persistent session, then leaves: the broker keeps its messages. */
    private static void leaveSession(String brokerUrl, String clientId) throws Exception {
        MqttAsyncClient away = RemoteAskBenchmarks.rawClient(brokerUrl, false, clientId, null);
        away.subscribe(AWAY, 1).waitForCompletion(10_000);
        away.disconnect(2_000).waitForCompletion(3_000);
        away.close();
    }

    /** Publishes {@code count} QoS 1 messages and returns once the broker acknowledged every one. */
    private static void publish(String brokerUrl, int count) throws Exception {
        MqttAsyncClient publisher = RemoteAskBenchmarks.rawClient(brokerUrl, true);
        try {
            for (int i = 0; i < count; i++) {
                MqttMessage message = new MqttMessage(("{\"command\": " + i + "}").getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                publisher.publish(AWAY, message).waitForCompletion(10_000);
            }
        } finally {
            publisher.disconnect(2_000).waitForCompletion(3_000);
            publisher.close();
        }
    }

    /** The distinct messages {@code clientId}'s session holds, read until all came or none came for 5 s. */
    private static int collect(String brokerUrl, String clientId, int expected) throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        MqttAsyncClient back = RemoteAskBenchmarks.rawClient(brokerUrl, false, clientId, (topic, message) ->
                seen.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        try {
            long end = System.nanoTime() + LIMIT.toNanos();
            int before = -1;
            long quietSince = System.nanoTime();
            while (seen.size() < expected && System.nanoTime() < end && System.nanoTime() - quietSince < 5_000_000_000L) {
                Thread.sleep(50); // polls a count, bounded by LIMIT and by 5 s without a new message
                if (seen.size() != before) {
                    before = seen.size();
                    quietSince = System.nanoTime();
                }
            }
            back.unsubscribe(AWAY).waitForCompletion(3_000);
            return seen.size();
        } finally {
            back.disconnect(2_000).waitForCompletion(3_000);
            back.close();
        }
    }

    /** When a TCP connection to {@code port} on loopback first succeeds, polled every 10 ms. */
    private static long awaitListening(int port) throws InterruptedException {
        long end = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < end) {
            if (MosquittoBroker.listening(port)) {
                return System.nanoTime();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing listened on " + port + " within " + LIMIT.toSeconds() + " s");
    }
}
