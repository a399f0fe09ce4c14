package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.flotilla.util.Json;

/**
 * Turns the fleet's agent topics into the dashboard's model: {@code agents/+/heartbeat} and the
 * nodes' {@code agent_heartbeats} batches into agent rows, {@code errors}, {@code logs} and
 * {@code alert} into events (and an agent's last error), {@code manifest} into the configuration
 * an agent's page shows. The agents of this node come from its agent manager instead (see
 * {@link FleetPoll}), which knows them first. Anyone on the broker may publish these topics: a
 * message that is not a JSON object, or names no agent and node, is dropped, and no text grows
 * beyond {@link #MAX_TEXT}. Called on the connection's delivery thread: never blocks.
 */
final class FleetMessages {

    static final int MAX_TEXT = 4000;
    /** Names, ids, states and types: longer ones are no fleet's, and their message is dropped. */
    static final int MAX_NAME = 200;
    /** A manifest's configuration kept for an agent's page, as JSON. */
    static final int MAX_CONFIG_BYTES = 16 * 1024;

    private final FleetModel model;
    private final String self;
    private final Clock clock;
    private final Json json = Responses.mapper();
    private final Map<String, Map<String, Object>> manifests = new ConcurrentHashMap<>();
    private final Map<String, Long> heard = new ConcurrentHashMap<>();

    FleetMessages(FleetModel model, String self, Clock clock) {
        this.model = model;
        this.self = self;
        this.clock = clock;
    }

    void heartbeat(byte[] payload) {
        read(payload).ifPresent(this::beat);
    }

    void batch(byte[] payload) {
        read(payload).map(batch -> batch.get("agents")).filter(List.class::isInstance).ifPresent(agents -> {
            for (Object agent : (List<?>) agents) {
                if (agent instanceof Map<?, ?> beat) {
                    beat(stringKeys(beat));
                }
            }
        });
    }

    void error(byte[] payload) {
        read(payload).ifPresent(error -> {
            String agent = agentOf(error);
            String message = text(error, "error");
            if (agent == null || message == null) {
                return;
            }
            String now = clock.instant().toString();
            model.event(event("error", error, agent, now, text(error, "severity"), message));
            model.agent(agent, row -> {
                if (row.isEmpty()) {
                    return null; // an error of an agent no heartbeat named yet: its event is enough
                }
                row.put("last_error", message);
                row.put("last_error_at", now);
                return row;
            });
        });
    }

    void log(byte[] payload) {
        read(payload).ifPresent(log -> {
            String agent = agentOf(log);
            String message = text(log, "message");
            // an alert's copy on logs carries its severity: the alert topic shows it once already
            if (agent != null && message != null && !log.containsKey("severity")) {
                model.event(event("log", log, agent, clock.instant().toString(), text(log, "level"), message));
            }
        });
    }

    void alert(byte[] payload) {
        read(payload).ifPresent(alert -> {
            String agent = agentOf(alert);
            String message = text(alert, "message");
            if (agent != null && message != null) {
                model.event(event("alert", alert, agent, clock.instant().toString(), text(alert, "severity"), message));
            }
        });
    }

    /** Keeps the configuration of a shown agent's manifest: only of an agent in the model, which bounds them. */
    void manifest(byte[] payload) {
        read(payload).ifPresent(manifest -> {
            String agent = agentOf(manifest);
            if (agent != null && manifest.get("config") instanceof Map<?, ?> config && model.agentRow(agent).isPresent()
                    && json.toBytes(config).length <= MAX_CONFIG_BYTES) {
                manifests.put(agent, stringKeys(config));
            }
        });
    }

    /** The configuration in the last manifest agent {@code name} published, if any. */
    Optional<Map<String, Object>> config(String name) {
        return Optional.ofNullable(manifests.get(name));
    }

    /** When a message last told of agent {@code name} on another node (epoch millis), or 0. */
    long heardOf(String name) {
        return heard.getOrDefault(name, 0L);
    }

    void forget(String name) {
        manifests.remove(name);
        heard.remove(name);
    }

    private void beat(Map<String, Object> beat) {
        String name = text(beat, "name");
        String node = text(beat, "node");
        String state = text(beat, "state");
        String type = text(beat, "type");
        String actorId = text(beat, "actor_id");
        if (name == null || node == null || node.equals(self) || tooLong(name, node, state, type, actorId)) {
            return; // this node's own agents come from its agent manager
        }
        long epoch = beat.get("epoch") instanceof Number n ? n.longValue() : 0;
        String now = clock.instant().toString();
        model.agent(name, row -> {
            if (!node.equals(row.get("node")) && row.get("epoch") instanceof Number known && epoch < known.longValue()) {
                return null; // a late word from the node it left
            }
            if (state != null && !state.equals(row.get("state")) && "running".equals(state)) {
                row.put("since", now);
            }
            row.put("actor_id", actorId);
            row.put("node", node);
            if (type != null) { // a Wactorz runner names none
                row.put("type", type);
            }
            row.put("state", state);
            row.put("restarts", beat.get("restart_count") instanceof Number n ? n.intValue() : 0);
            row.put("cpu", beat.get("cpu") instanceof Number n ? n.doubleValue() : null);
            row.put("epoch", epoch);
            return row;
        });
        if (model.agentRow(name).isPresent()) { // not one the model had no room for
            heard.put(name, clock.millis());
        }
    }

    private static boolean tooLong(String... texts) {
        for (String text : texts) {
            if (text != null && text.length() > MAX_NAME) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> event(String kind, Map<String, Object> message, String agent, String time,
            String severity, String text) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", kind);
        event.put("time", time);
        event.put("agent", agent);
        event.put("node", text(message, "node"));
        event.put("phase", text(message, "phase"));
        event.put("severity", severity == null ? "info" : severity);
        event.put("message", text);
        return event;
    }

    private Optional<Map<String, Object>> read(byte[] payload) {
        try {
            return Optional.of(json.parseObject(payload));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not a JSON object: not for the dashboard
        }
    }

    private static String agentOf(Map<String, Object> message) {
        String name = text(message, "name");
        name = name != null ? name : text(message, "agent");
        return name == null || name.length() > MAX_NAME ? null : name;
    }

    static String text(Map<String, Object> message, String key) {
        Object value = message.get(key);
        if (value == null || value instanceof Map || value instanceof List) {
            return null;
        }
        String text = String.valueOf(value);
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(String.valueOf(key), value));
        return copy;
    }
}
