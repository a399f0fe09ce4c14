package io.flotilla.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What several fleet benchmarks share: how long to wait for a node's answer, spawning an agent and
 * waiting until it runs, and reading the numbers of results.
 */
final class FleetSupport {

    /** How long a node may take to answer before the section fails. */
    static final Duration LIMIT = Duration.ofSeconds(60);

    private FleetSupport() {
    }

    /**
     * Has agent {@code pinger} (type pinger) ask {@code target} {@code count} times, {@code concurrency}
     * at a time, its result coming to {@code replyTopic}; returns the pinger's figures, failing on any error.
     */
    static Map<String, Object> pingerRun(BenchClient client, String pinger, String target, int count, int concurrency,
            String replyTopic) throws Exception {
        String id = pinger + "-" + System.nanoTime();
        CompletableFuture<BenchClient.Arrival> reply = client.expectJson(replyTopic, "request_id", id);
        client.publish("agents/by-name/" + pinger + "/task", Map.of("payload", Map.of("target", target, "count", count,
                "concurrency", concurrency), "_reply_topic", replyTopic, "request_id", id, "_timeout", 600));
        Map<String, Object> answer = BenchClient.await(reply, Duration.ofMinutes(10), "pinger result").json();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) answer.get("result");
        if (result == null || number(result, "errors") > 0) {
            throw new IllegalStateException(pinger + ": " + answer);
        }
        return result;
    }

    /** Publishes a spawn and waits for the agent's running heartbeat; returns the nanoseconds between. */
    static long spawnAndWait(BenchClient client, String node, Map<String, Object> spawn) throws Exception {
        String name = (String) spawn.get("name");
        CompletableFuture<BenchClient.Arrival> running = client.expect("agents/+/heartbeat",
                a -> a.json().get("name").equals(name) && "running".equals(a.json().get("state")));
        long sent = System.nanoTime();
        client.publish("nodes/" + node + "/spawn", spawn);
        return BenchClient.await(running, LIMIT, name + " running").nanos() - sent;
    }

    /**
     * Stops those agents and deletes their state; returns once the node has handled the last stop,
     * whose result comes to {@code replyTopic}.
     */
    static void stopAndForget(BenchClient client, String node, List<String> names, String replyTopic) throws Exception {
        String last = "stop-" + System.nanoTime();
        CompletableFuture<BenchClient.Arrival> done = client.expectJson(replyTopic, "request_id", last);
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> stop = new LinkedHashMap<>(Map.of("name", names.get(i), "delete", true));
            if (i == names.size() - 1) {
                stop.put("request_id", last);
                stop.put("reply_to", replyTopic);
            }
            client.publish("nodes/" + node + "/stop", stop);
        }
        BenchClient.await(done, LIMIT, "the last stop on " + node);
    }

    static double median(List<? extends Number> values) {
        List<Double> sorted = values.stream().map(Number::doubleValue).sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }
}
