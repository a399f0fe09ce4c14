package io.flotilla.itests.hostile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.flotilla.itests.process.Fleet;
import io.flotilla.mqtt.testing.MqttProbe;

/**
 * One client on the fleet's broker, with no more rights than anyone who reaches it: it publishes
 * what it likes and reads what the nodes answer. The hostile tests play the attacker and the
 * operator with it; every exchange waits for the node's answer, so that what must not have happened
 * is checked after the node has finished with the message.
 */
final class Stranger implements AutoCloseable {

    static final Duration LIMIT = Fleet.LIMIT;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttProbe probe;

    Stranger(Fleet fleet) throws Exception {
        this.probe = fleet.probe("test/#", "nodes/+/errors", "nodes/+/agents", "nodes/+/results", "agents/+/errors",
                "nodes/+/migrate_result", "nodes/rogue/#");
    }

    MqttProbe probe() {
        return probe;
    }

    /** Publishes {@code body} as command {@code kind} to {@code node}, with a fresh request id; returns its result. */
    Map<String, Object> command(String node, String kind, Map<String, ?> body) throws Exception {
        return command(node, kind, body, LIMIT);
    }

    Map<String, Object> command(String node, String kind, Map<String, ?> body, Duration limit) throws Exception {
        String id = send(node, kind, body);
        return probe.awaitJson("test/results", "request_id", id, limit);
    }

    /** Publishes a command without waiting; returns its request id (results go to {@code test/results}). */
    String send(String node, String kind, Map<String, ?> body) throws Exception {
        String id = kind + "-" + UUID.randomUUID();
        Map<String, Object> document = new LinkedHashMap<>(body);
        document.put("request_id", id);
        document.put("reply_to", "test/results");
        publish("nodes/" + node + "/" + kind, document);
        return id;
    }

    Map<String, Object> spawn(String node, Map<String, ?> config) throws Exception {
        return command(node, "spawn", config);
    }

    /** Pings {@code node}: once it answers, it has handled every command sent to it before. */
    void ping(String node) throws Exception {
        Map<String, Object> pong = command(node, "ping", Map.of());
        if (!Boolean.TRUE.equals(pong.get("pong"))) {
            throw new AssertionError("node " + node + " did not answer the ping: " + pong);
        }
    }

    /** The agents of {@code node}, name to state. */
    Map<String, String> agents(String node) throws Exception {
        Map<String, Object> listed = command(node, "list", Map.of());
        Map<String, String> states = new LinkedHashMap<>();
        for (Object agent : (List<?>) listed.get("agents")) {
            Map<?, ?> fields = (Map<?, ?>) agent;
            states.put((String) fields.get("name"), (String) fields.get("state"));
        }
        return states;
    }

    /** Asks agent {@code name} by name; returns the reply. */
    Map<String, Object> ask(String name, Map<String, ?> envelope) throws Exception {
        String id = "ask-" + UUID.randomUUID();
        Map<String, Object> task = new LinkedHashMap<>(envelope);
        task.put("request_id", id);
        task.putIfAbsent("_reply_topic", "test/replies");
        publish("agents/by-name/" + name + "/task", task);
        return probe.awaitJson("test/replies", "request_id", id, LIMIT);
    }

    /** The first report on {@code nodes/{node}/errors} whose error contains {@code text}. */
    Map<String, Object> awaitError(String node, String text) {
        return probe.await("nodes/" + node + "/errors", seen -> seen.text().contains(text), LIMIT).json();
    }

    void publish(String topic, Object document) throws Exception {
        probe.publish(topic, JSON.writeValueAsString(document));
    }

    void publishRetained(String topic, Object document) throws Exception {
        probe.publish(topic, JSON.writeValueAsString(document), true);
    }

    static Map<String, Object> counter(String name) {
        return Map.of("name", name, "type", "counter", "poll_interval", 0.2);
    }

    /** The count a counter agent persisted on its node, from the state file. */
    static long persistedCount(Path stateFile) throws Exception {
        return JSON.readTree(Files.readAllBytes(stateFile)).path("count").asLong(-1);
    }

    @Override
    public void close() throws Exception {
        probe.close();
    }
}
