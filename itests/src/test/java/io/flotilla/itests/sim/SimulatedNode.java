package io.flotilla.itests.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;

/**
 * One simulated node on its own MQTT connection, speaking the protocol of {@code docs/protocol.md} as
 * a Flotilla node does: a persistent session with its retained {@code offline} status as the Last
 * Will, its retained {@code online} status on every connect, node heartbeats and agent heartbeat
 * batches, and answers to {@code spawn}, {@code stop}, {@code list}, {@code ping} and to tasks by name
 * (an agent echoes what it is asked). Its agents exist only here: they run nothing.
 */
final class SimulatedNode {

    private static final int AGENTS_PER_BATCH = 250;

    private final String name;
    private final List<String> capabilities;
    private final Mqtt3AsyncClient client;
    private final Wire wire;
    private final SimulatorCounters counters;
    /** The node's agents by name; guarded by this. */
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final long since;
    private volatile long incarnation;
    private volatile boolean connected;

    /** One agent of the node: it answers tasks and is listed in heartbeats. */
    private record Agent(String name, String actorId, String type) {
    }

    SimulatedNode(String name, List<String> capabilities, List<String> agentNames, Mqtt3AsyncClient client, Wire wire,
            SimulatorCounters counters) {
        this.name = name;
        this.capabilities = List.copyOf(capabilities);
        this.client = client;
        this.wire = wire;
        this.counters = counters;
        this.since = System.currentTimeMillis();
        for (int i = 0; i < agentNames.size(); i++) {
            String agent = agentNames.get(i);
            agents.put(agent, new Agent(agent, actorId(agent), i % 2 == 0 ? "sensor" : "counter"));
        }
    }

    String name() {
        return name;
    }

    boolean connected() {
        return connected;
    }

    synchronized List<String> agentNames() {
        return List.copyOf(agents.keySet());
    }

    // ---------------------------------------------------------------- the connection

    /**
     * Connects with a new incarnation and its Will, subscribes to the node's command topics and its
     * agents' task topics, says it is online and sends its first heartbeat, as a node does on connect.
     */
    CompletableFuture<Void> connect() {
        incarnation = Math.max(incarnation + 1, System.currentTimeMillis());
        byte[] will = wire.bytes(status("offline", "connection lost"));
        return client.connectWith().cleanSession(false).keepAlive(60)
                .willPublish().topic(topic("status")).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(will).applyWillPublish()
                .send()
                .thenCompose(ack -> subscribe(commandTopics()))
                .thenCompose(ack -> publish(topic("status"), status("online", null), true))
                .thenRun(() -> {
                    connected = true;
                    beat();
                });
    }

    /** Ends the connection as a power cut does: no DISCONNECT, so the broker publishes the Will. */
    void cut() {
        connected = false;
        ConnectionCut.close(client);
    }

    /** Stops as a node does: its retained offline status ({@code stopped}), then a clean DISCONNECT. */
    CompletableFuture<Void> stop() {
        if (!connected) {
            return CompletableFuture.completedFuture(null);
        }
        connected = false;
        return publish(topic("status"), status("offline", "stopped"), true).thenCompose(done -> client.disconnect());
    }

    /** Every heartbeat interval and on connect: the node heartbeat, then its agents in batches. */
    void beat() {
        if (!connected) {
            return;
        }
        List<Map<String, Object>> rows;
        List<String> names;
        synchronized (this) {
            names = List.copyOf(agents.keySet());
            rows = agents.values().stream().map(this::agentBeat).toList();
        }
        Map<String, Object> heartbeat = new LinkedHashMap<>();
        heartbeat.put("node", name);
        heartbeat.put("node_id", actorId("node:" + name));
        heartbeat.put("timestamp", now());
        heartbeat.put("agents", names);
        heartbeat.put("agent_count", names.size());
        heartbeat.put("broker", "simulated");
        heartbeat.put("uptime_s", (System.currentTimeMillis() - since) / 1000.0);
        heartbeat.put("cpu_pct", Math.floorMod(name.hashCode(), 60) + 5);
        heartbeat.put("mem_used_mb", 300 + Math.floorMod(name.hashCode(), 200));
        heartbeat.put("heap_used_mb", 40);
        heartbeat.put("capabilities", capabilities);
        heartbeat.put("incarnation", incarnation);
        heartbeat.put("heartbeat_interval", wire.heartbeatSeconds());
        heartbeat.put("version", "simulated");
        publish(topic("heartbeat"), heartbeat, false);
        int parts = Math.max(1, (rows.size() + AGENTS_PER_BATCH - 1) / AGENTS_PER_BATCH);
        for (int part = 0; part < parts; part++) {
            Map<String, Object> batch = new LinkedHashMap<>();
            batch.put("node", name);
            batch.put("timestamp", now());
            batch.put("part", part + 1);
            batch.put("parts", parts);
            batch.put("agents", rows.subList(part * AGENTS_PER_BATCH, Math.min(rows.size(), (part + 1) * AGENTS_PER_BATCH)));
            batch.put("agent_count", rows.size());
            publish(topic("agent_heartbeats"), batch, false);
        }
        counters.heartbeats.increment();
    }

    // ---------------------------------------------------------------- what arrives

    void onMessage(Mqtt3Publish message) {
        String topic = message.getTopic().toString();
        Map<String, Object> body = wire.read(message.getPayloadAsBytes());
        if (body == null) {
            counters.unreadable.increment();
            return;
        }
        String tasks = wire.prefix() + "agents/by-name/";
        if (topic.startsWith(tasks) && topic.endsWith("/task")) {
            task(topic.substring(tasks.length(), topic.length() - "/task".length()), body);
            return;
        }
        String command = topic.substring(topic.lastIndexOf('/') + 1);
        counters.commands.increment();
        switch (command) {
            case "spawn" -> spawn(body);
            case "stop" -> stopAgent(body);
            case "list" -> publish(topic("agents"), list(), false);
            case "ping" -> result(body, "ping", Map.of("success", true, "pong", true));
            default -> counters.unreadable.increment();
        }
    }

    private void spawn(Map<String, Object> spawn) {
        if (!(spawn.get("name") instanceof String agent) || !(spawn.get("type") instanceof String type)) {
            result(spawn, "spawn", Map.of("success", false, "error", "'name' and 'type' are required"));
            return;
        }
        List<?> requires = spawn.get("requires") instanceof List<?> list ? list : List.of();
        if (!capabilities.containsAll(requires)) {
            result(spawn, "spawn", Map.of("success", false, "name", agent, "error",
                    "'requires' node " + name + " lacks " + requires + " (it has " + capabilities + ")"));
            return;
        }
        Agent added;
        synchronized (this) {
            if (agents.containsKey(agent)) {
                added = null;
            } else {
                added = new Agent(agent, actorId(agent), type);
                agents.put(agent, added);
            }
        }
        Agent running = added != null ? added : agentNamed(agent);
        CompletableFuture<?> ready = added == null ? CompletableFuture.completedFuture(null)
                : subscribe(List.of(taskTopic(agent))).thenCompose(ack -> publish(agentTopic(added, "heartbeat"), agentBeat(added), false));
        ready.thenRun(() -> {
            counters.spawned.increment();
            Map<String, Object> outcome = new LinkedHashMap<>();
            outcome.put("success", true);
            outcome.put("name", agent);
            outcome.put("agent", agent);
            outcome.put("actor_id", running.actorId());
            outcome.put("type", running.type());
            outcome.put("state", "running");
            outcome.put("restart_count", 0);
            outcome.put("outcome", added != null ? "spawned" : "already_running");
            result(spawn, "spawn", outcome);
        });
    }

    private void stopAgent(Map<String, Object> stop) {
        Agent gone;
        synchronized (this) {
            gone = stop.get("name") instanceof String agent ? agents.remove(agent) : null;
        }
        if (gone == null) {
            result(stop, "stop", Map.of("success", false, "error", "no agent " + stop.get("name") + " on node " + name));
            return;
        }
        client.unsubscribeWith().topicFilter(taskTopic(gone.name())).send();
        Map<String, Object> beat = agentBeat(gone);
        beat.put("state", "stopped");
        publish(agentTopic(gone, "heartbeat"), beat, false);
        result(stop, "stop", Map.of("success", true, "name", gone.name(), "state", "stopped"));
    }

    /** A task by name: the agent answers with what it was sent, as an echo agent does. */
    private void task(String agentName, Map<String, Object> envelope) {
        counters.tasks.increment();
        if (!(envelope.get("_reply_topic") instanceof String replyTo)) {
            return;
        }
        Agent agent = agentNamed(agentName);
        Map<String, Object> reply = new LinkedHashMap<>();
        copy(envelope, reply, "request_id");
        copy(envelope, reply, "correlation_id");
        reply.put("agent", agentName);
        reply.put("node", name);
        if (agent == null) {
            reply.put("error", "no agent " + agentName + " on node " + name);
            reply.put("reason", "no_such_agent");
        } else {
            reply.put("result", envelope.containsKey("payload") ? envelope.get("payload") : envelope);
        }
        reply.put("timestamp", now());
        client.publishWith().topic(replyTo).qos(MqttQos.AT_MOST_ONCE).payload(wire.bytes(reply)).send();
    }

    private Map<String, Object> list() {
        List<Map<String, Object>> rows = new ArrayList<>();
        synchronized (this) {
            for (Agent agent : agents.values()) {
                rows.add(Map.of("name", agent.name(), "actor_id", agent.actorId(), "type", agent.type(), "node", name,
                        "state", "running", "restart_count", 0));
            }
        }
        return Map.of("node", name, "agents", rows, "agent_count", rows.size(), "timestamp", now());
    }

    /** The command's one result: on its {@code reply_to}, else on the node's results topic; none without a request id. */
    private void result(Map<String, Object> command, String kind, Map<String, Object> outcome) {
        if (!(command.get("request_id") instanceof String requestId)) {
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("request_id", requestId);
        result.put("command", kind);
        result.put("node", name);
        result.putAll(outcome);
        result.put("timestamp", now());
        publish(command.get("reply_to") instanceof String replyTo ? replyTo : topic("results"), result, false);
    }

    // ---------------------------------------------------------------- helpers

    private synchronized Agent agentNamed(String agent) {
        return agents.get(agent);
    }

    private List<String> commandTopics() {
        List<String> topics = new ArrayList<>(List.of(topic("spawn"), topic("stop"), topic("list"), topic("ping")));
        agentNames().forEach(agent -> topics.add(taskTopic(agent)));
        return topics;
    }

    private CompletableFuture<?> subscribe(List<String> filters) {
        List<Mqtt3Subscription> subscriptions = filters.stream()
                .map(filter -> Mqtt3Subscription.builder().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build()).toList();
        return client.subscribeWith().addSubscriptions(subscriptions).send();
    }

    private CompletableFuture<Void> publish(String topic, Map<String, Object> body, boolean retain) {
        return client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain).payload(wire.bytes(body)).send()
                .orTimeout(30, TimeUnit.SECONDS)
                .thenRun(() -> { });
    }

    private Map<String, Object> status(String status, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", name);
        body.put("status", status);
        body.put("incarnation", incarnation);
        body.put("node_id", actorId("node:" + name));
        body.put("since", since);
        body.put("timestamp", now());
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
    }

    private Map<String, Object> agentBeat(Agent agent) {
        Map<String, Object> beat = new LinkedHashMap<>();
        beat.put("actor_id", agent.actorId());
        beat.put("name", agent.name());
        beat.put("agent", agent.name());
        beat.put("node", name);
        beat.put("type", agent.type());
        beat.put("timestamp", now());
        beat.put("state", "running");
        beat.put("restart_count", 0);
        beat.put("epoch", 0);
        beat.put("cpu", 0.1);
        beat.put("memory_mb", 1.0);
        beat.put("task", null);
        beat.put("protected", false);
        return beat;
    }

    private String topic(String leaf) {
        return wire.prefix() + "nodes/" + name + "/" + leaf;
    }

    private String taskTopic(String agent) {
        return wire.prefix() + "agents/by-name/" + agent + "/task";
    }

    private String agentTopic(Agent agent, String leaf) {
        return wire.prefix() + "agents/" + agent.actorId() + "/" + leaf;
    }

    /** Stable across restarts of the simulator, as a node keeps its agents' ids. */
    private static String actorId(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to, String key) {
        if (from.containsKey(key)) {
            to.put(key, from.get(key));
        }
    }
}
