package io.flotilla.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.flotilla.itests.Fixtures;
import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.internal.NoDelaySocketFactory;

/**
 * The figures that need real nodes: {@code bin/flotilla} processes and a real broker (Mosquitto with
 * Nagle off, and the embedded one), driven over MQTT by {@link BenchClient}.
 */
final class FleetBenchmarks {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;
    private final Sections sections;

    FleetBenchmarks(Main.Mode mode, Report report, Installation installation, Sections sections) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
        this.sections = sections;
    }

    private int count(int quick, int full) {
        return mode == Main.Mode.FULL ? full : quick;
    }

    void run() throws Exception {
        sections.run("boot time and idle memory", this::bootAndMemory);
        String spawn = "spawn latency";
        String restart = "restart latency";
        String askMosquitto = "remote ask (Mosquitto)";
        String migration = "migration";
        String density = "agents per node";
        String failures = "failure detection";
        if (sections.anySelected(spawn, restart, askMosquitto, migration, density, failures)) {
            try (Fleet fleet = Fleet.prepare(Fleet.BrokerKind.MOSQUITTO, installation)) {
                fleet.startNodes("a", "b");
                try (BenchClient client = new BenchClient(fleet.brokerUrl())) {
                    client.subscribe("agents/+/heartbeat", "nodes/+/status", "nodes/+/migrate_result", "bench/#");
                    sections.run(spawn, () -> spawnLatency(fleet, client));
                    sections.run(restart, () -> restartLatency(client));
                    sections.run(askMosquitto, () -> remoteAsk(fleet, client, "Mosquitto"));
                    sections.run(migration, () -> migration(fleet, client));
                    sections.run(density, () -> agentsPerNode(fleet, client));
                    sections.run(failures, () -> failureDetection(fleet, client));
                }
            }
        }
        String askEmbedded = "remote ask (embedded broker)";
        String brokerHeap = "agents per node, heap of the embedded broker";
        if (sections.anySelected(askEmbedded, brokerHeap)) {
            try (Fleet fleet = Fleet.prepare(Fleet.BrokerKind.EMBEDDED, installation)) {
                fleet.startNodes("a", "b");
                try (BenchClient client = new BenchClient(fleet.brokerUrl())) {
                    client.subscribe("agents/+/heartbeat", "bench/#");
                    sections.run(askEmbedded, () -> remoteAsk(fleet, client, "the embedded broker"));
                    sections.run(brokerHeap, () -> brokerHeapPerAgent(fleet, client));
                }
            }
        }
    }

    // ---------------------------------------------------------------- 8: boot and memory

    private void bootAndMemory() throws Exception {
        double[] without = boot(Fleet.BrokerKind.MOSQUITTO);
        double[] with = boot(Fleet.BrokerKind.EMBEDDED);
        report.add("boot to online, node without broker", Report.ms(without[0] / 1000) + " s",
                "with the embedded broker: " + Report.ms(with[0] / 1000) + " s", "≤ 5 s", without[0] <= 5000);
        report.add("idle RSS, node without broker", Math.round(without[1]) + " MiB",
                "with the embedded broker: " + Math.round(with[1]) + " MiB", "≤ 160 MiB", without[1] <= 160);
    }

    /** Milliseconds from start to the online status, and the RSS (MiB) 10 s after it; the median of a few boots. */
    private double[] boot(Fleet.BrokerKind kind) throws Exception {
        int boots = count(1, 3);
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
                rss.add(rssMiB(fleet.node("solo").pid()));
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

    private static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    // ---------------------------------------------------------------- 1: spawn latency

    private void spawnLatency(Fleet fleet, BenchClient client) throws Exception {
        List<String> spawned = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            spawned.add("warm-" + i);
            spawnAndWait(client, "a", Map.of("name", "warm-" + i, "type", "echo", "poll_interval", 0));
        }
        List<Long> installed = new ArrayList<>();
        for (int i = 0; i < count(200, 1000); i++) {
            spawned.add("spawn-" + i);
            installed.add(spawnAndWait(client, "a", Map.of("name", "spawn-" + i, "type", "echo", "poll_interval", 0)));
        }
        Path repository = fleet.home("a").resolve("system");
        List<Long> fromMaven = new ArrayList<>();
        for (int i = 0; i < count(10, 40); i++) {
            String location = Fixtures.greeterInRepository(repository, "bench-type-" + i, "bench-type-" + i);
            spawned.add("maven-" + i);
            fromMaven.add(spawnAndWait(client, "a", Map.of("name", "maven-" + i, "type", "bench-type-" + i, "bundle", location,
                    "poll_interval", 0)));
        }
        // A thousand idle agents would heartbeat into the later figures: they go.
        stopAndForget(client, "a", spawned);
        Stats fast = new Stats(installed);
        Stats slow = new Stats(fromMaven);
        report.add("spawn → running, installed type", fast.summary(), "bundle from the local Maven repository: "
                + slow.summary(), "p50 ≤ 3 ms", fast.p50Ms() <= 3);
        report.add("spawn → running, bundle from local Maven", slow.summary(), "installed type: p50 "
                + Report.ms(fast.p50Ms()) + " ms", "", null);
    }

    /** Stops those agents and deletes their state; returns once the node has handled the last stop. */
    private static void stopAndForget(BenchClient client, String node, List<String> names) throws Exception {
        String last = "stop-" + System.nanoTime();
        CompletableFuture<BenchClient.Arrival> done = client.expectJson("bench/stopped", "request_id", last);
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> stop = new LinkedHashMap<>(Map.of("name", names.get(i), "delete", true));
            if (i == names.size() - 1) {
                stop.put("request_id", last);
                stop.put("reply_to", "bench/stopped");
            }
            client.publish("nodes/" + node + "/stop", stop);
        }
        BenchClient.await(done, LIMIT, "the last stop on " + node);
    }

    /** Publishes a spawn and waits for the agent's running heartbeat; returns the nanoseconds between. */
    private static long spawnAndWait(BenchClient client, String node, Map<String, Object> spawn) throws Exception {
        String name = (String) spawn.get("name");
        CompletableFuture<BenchClient.Arrival> running = client.expect("agents/+/heartbeat",
                a -> a.json().get("name").equals(name) && "running".equals(a.json().get("state")));
        long sent = System.nanoTime();
        client.publish("nodes/" + node + "/spawn", spawn);
        return BenchClient.await(running, LIMIT, name + " running").nanos() - sent;
    }

    // ---------------------------------------------------------------- 2: restart latency

    private void restartLatency(BenchClient client) throws Exception {
        int restarts = count(20, 100);
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

    // ---------------------------------------------------------------- 3: remote asks

    private void remoteAsk(Fleet fleet, BenchClient client, String broker) throws Exception {
        spawnAndWait(client, "b", Map.of("name", "pong", "type", "echo", "poll_interval", 0));
        spawnAndWait(client, "a", Map.of("name", "ping", "type", "pinger", "poll_interval", 0));
        ping(client, 2000, 1); // warm-up: the nodes run C1 code, compiled as they go
        int count = count(5000, 10_000);
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
        String id = "ping-" + System.nanoTime();
        CompletableFuture<BenchClient.Arrival> reply = client.expectJson("bench/pinged", "request_id", id);
        client.publish("agents/by-name/ping/task", Map.of("payload", Map.of("target", "pong", "count", count,
                "concurrency", concurrency), "_reply_topic", "bench/pinged", "request_id", id, "_timeout", 600));
        Map<String, Object> answer = BenchClient.await(reply, Duration.ofMinutes(10), "pinger result").json();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) answer.get("result");
        if (result == null || number(result, "errors") > 0) {
            throw new IllegalStateException("pinger: " + answer);
        }
        return result;
    }

    /**
     * The floor: two plain Paho clients (Nagle off, QoS 1) playing request/reply through the same
     * broker, with the same shape of JSON, {@code concurrency} requests in flight. Clients with
     * persistent sessions unsubscribe at the end, so the broker keeps nothing for them.
     */
    private static Map<String, Object> rawPingPong(String brokerUrl, int count, int concurrency, boolean cleanSession)
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

    private static MqttAsyncClient rawClient(String brokerUrl, boolean cleanSession) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "raw-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setSocketFactory(NoDelaySocketFactory.plain());
        options.setMaxInflight(1000);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    private static double median(List<? extends Number> values) {
        List<Double> sorted = values.stream().map(Number::doubleValue).sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    // ---------------------------------------------------------------- 6: migration

    private void migration(Fleet fleet, BenchClient client) throws Exception {
        Map<String, Stats> bySize = new LinkedHashMap<>();
        for (int kib : new int[] {1, 1024}) {
            String name = "moving-" + kib + "k";
            Map<String, Object> state = Map.of("count", 0, "blob", "x".repeat(kib * 1024 - 30));
            Path file = fleet.home("a").resolve("data/flotilla/state/" + name + ".json");
            Files.createDirectories(file.getParent());
            Files.write(file, BenchClient.JSON.writeValueAsBytes(state));
            spawnAndWait(client, "a", Map.of("name", name, "type", "counter", "poll_interval", 0));
            List<Long> durations = new ArrayList<>();
            String at = "a";
            for (int i = 0; i < count(6, 20); i++) {
                String to = at.equals("a") ? "b" : "a";
                String id = "move-" + name + "-" + i;
                CompletableFuture<BenchClient.Arrival> result = client.expectJson("nodes/" + at + "/migrate_result",
                        "request_id", id);
                client.publish("nodes/" + at + "/migrate", Map.of("name", name, "target_node", to, "request_id", id));
                Map<String, Object> moved = BenchClient.await(result, LIMIT, "migrate_result " + id).json();
                if (!Boolean.TRUE.equals(moved.get("success"))) {
                    throw new IllegalStateException("migration failed: " + moved);
                }
                durations.add(Math.round(number(moved, "duration_ms") * 1e6));
                at = to;
            }
            bySize.put(kib == 1 ? "1 KB" : "1 MB", new Stats(durations));
        }
        Stats small = bySize.get("1 KB");
        Stats large = bySize.get("1 MB");
        report.add("migration, 1 MB of state", large.summary(), "1 KB of state: " + small.summary(), "≤ 500 ms",
                large.p50Ms() <= 500);
    }

    // ---------------------------------------------------------------- 5: agents per node

    private void agentsPerNode(Fleet fleet, BenchClient client) throws Exception {
        long pid = fleet.node("b").pid();
        long before = heapUsedKiB(pid);
        int total = 0;
        for (int target : mode == Main.Mode.FULL ? new int[] {1000, 10_000} : new int[] {1000, 3000}) {
            double seconds = spawnIdle(client, "idle-" + target + "-", target - total);
            int batch = target - total;
            total = target;
            long heap = heapUsedKiB(pid);
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
    private void brokerHeapPerAgent(Fleet fleet, BenchClient client) throws Exception {
        long pid = fleet.node("a").pid();
        long before = heapUsedKiB(pid);
        int count = count(3000, 10_000);
        double seconds = spawnIdle(client, "idle-", count);
        long heap = heapUsedKiB(pid);
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

    /**
     * Heap in use after a full collection, from {@code jcmd}: the sum over the collector's
     * generations (serial: new and tenured; G1: one heap), without metaspace.
     */
    private static long heapUsedKiB(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = Pattern.compile("(?:generation|heap)\\s+total \\d+K, used (\\d+)K").matcher(info);
        long total = 0;
        boolean found = false;
        while (used.find()) {
            total += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap use in: " + info);
        }
        return total;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process process = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    // ---------------------------------------------------------------- 7: failure detection

    private void failureDetection(Fleet fleet, BenchClient client) throws Exception {
        fleet.startNodes("c");
        CompletableFuture<BenchClient.Arrival> will = client.expect("nodes/c/status",
                a -> "connection lost".equals(a.json().get("reason")));
        long killed = System.nanoTime();
        fleet.node("c").kill();
        double willMs = (BenchClient.await(will, LIMIT, "the Will of c").nanos() - killed) / 1e6;

        fleet.startNodes("c");
        CompletableFuture<BenchClient.Arrival> goodbye = client.expect("nodes/c/status",
                a -> "stopped".equals(a.json().get("reason")));
        long stopped = System.nanoTime();
        NodeProcess c = fleet.node("c");
        new ProcessBuilder("kill", "-TERM", String.valueOf(c.pid())).start().waitFor();
        double stopMs = (BenchClient.await(goodbye, LIMIT, "the offline status of c").nanos() - stopped) / 1e6;
        c.awaitExit(LIMIT);
        report.add("offline after SIGKILL (Last Will)", Report.ms(willMs) + " ms", "graceful stop (SIGTERM): "
                + Report.ms(stopMs) + " ms", "", null);

        // The observer restarts: how soon after connecting does it know the fleet again?
        NodeProcess a = fleet.node("a");
        a.stop();
        LocalTime restarted = LocalTime.now();
        NodeProcess again = fleet.startNode("a");
        again.awaitConsole("Fleet: node b is online", LIMIT);
        LocalTime connected = again.printedAt("Connected to").orElseThrow();
        LocalTime known = again.printedAt("Fleet: node b is online").orElseThrow();
        double recovery = Duration.between(connected, known).toNanos() / 1e6;
        double fromStart = Duration.between(restarted, known).toNanos() / 1e6;
        report.add("fleet known again after the observer restarts", Report.ms(recovery) + " ms after connecting",
                "from process start: " + Report.ms(fromStart / 1000) + " s", "≤ 2 s", recovery <= 2000);
    }
}
