package io.flotilla.mqtt.internal;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentEventListener;
import io.flotilla.spi.fleet.FleetTopics;

/**
 * What happens to agents, on the fleet broker: a heartbeat on every state change
 * ({@code agents/{id}/heartbeat}), {@code errors} (with phase, severity, error, restart_count, and
 * {@code consecutive} or {@code cause_phase} where the event has them), {@code logs}, {@code alert},
 * {@code results}, and a {@code manifest} whenever an agent starts running. Needs nothing
 * but the fleet connection: events carry what it publishes. Called on the node's event thread.
 * <p>
 * Each payload has the Wactorz runner's fields too (docs/protocol.md, "Agent events"): the name as
 * {@code agent}; a log line's {@code type} is {@code log}, its agent's type then {@code agent_type};
 * a heartbeat's {@code cpu} (percent of one core its callbacks used lately), {@code memory_mb} (0:
 * agents share one heap), {@code task} and {@code protected}.
 */
@Component(service = AgentEventListener.class)
public final class AgentEventPublisher implements AgentEventListener {

    private static final String STATE_PHASE = "state";

    private final FleetConnection fleet;
    private final FleetTopics topics;
    private final NodeErrors errors;

    @Activate
    public AgentEventPublisher(@Reference FleetConnection fleet) {
        this.fleet = fleet;
        this.topics = fleet.topics();
        this.errors = new NodeErrors(topics, new Wire(Clock.systemUTC()), (topic, report) -> fleet.publish(topic, report, false));
    }

    @Override
    public void onAgentEvent(AgentEvent event) {
        switch (event.kind()) {
            case STATE_CHANGED -> {
                fleet.publish(topics.agent(event.actorId(), "heartbeat"), heartbeat(event), false);
                if (event.state() == AgentState.RUNNING) {
                    fleet.publish(topics.agent(event.actorId(), "manifest"), manifest(event), false);
                }
            }
            case ERROR -> {
                Map<String, Object> error = base(event);
                error.put("phase", event.phase());
                error.put("severity", event.severity().wireName());
                error.put("error", event.message());
                error.put("restart_count", event.restartCount());
                error.put("state", event.state().wireName());
                error.putAll(event.fields()); // consecutive, cause_phase
                fleet.publish(topics.agent(event.actorId(), "errors"), error, false);
                if (STATE_PHASE.equals(event.phase())) {
                    errors.report(nodeError(event));
                }
            }
            case LOG -> {
                Map<String, Object> line = logLine(event);
                line.put("level", event.severity().wireName());
                line.put("message", event.message());
                fleet.publish(topics.agent(event.actorId(), "logs"), line, false);
            }
            case ALERT -> {
                Map<String, Object> alert = base(event);
                alert.put("severity", event.severity().wireName());
                alert.put("message", event.message());
                fleet.publish(topics.agent(event.actorId(), "alert"), alert, false);
                Map<String, Object> line = logLine(event);
                line.put("severity", event.severity().wireName());
                line.put("level", event.severity().wireName());
                line.put("message", event.message());
                fleet.publish(topics.agent(event.actorId(), "logs"), line, false);
            }
            case RESULT -> {
                Map<String, Object> result = base(event);
                result.put("result", event.fields().get("result"));
                fleet.publish(topics.agent(event.actorId(), "results"), result, false);
            }
            case REMOVED, PRESENT -> {
                // REMOVED: the node's next heartbeat no longer lists it. PRESENT: nothing happened;
                // the periodic heartbeat tells of agents that were there before this listener.
            }
        }
    }

    /**
     * An agent's state that cannot be read or written is the node's disk's trouble, not the agent's:
     * it goes to {@code nodes/{n}/errors} too, where an operator watches the node.
     */
    private Map<String, Object> nodeError(AgentEvent event) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("agent", event.agent());
        report.put("phase", event.phase());
        report.put("error", event.message());
        return report;
    }

    private Map<String, Object> base(AgentEvent event) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("actor_id", event.actorId());
        payload.put("name", event.agent());
        payload.put("agent", event.agent());
        payload.put("node", event.node());
        payload.put("type", event.type());
        payload.put("timestamp", Wire.seconds(event.timestamp()));
        return payload;
    }

    /** A line of {@code agents/{id}/logs}: Wactorz's {@code type} is {@code log}, so the agent's type is {@code agent_type}. */
    private Map<String, Object> logLine(AgentEvent event) {
        Map<String, Object> line = base(event);
        line.put("type", "log");
        line.put("agent_type", event.type());
        return line;
    }

    private Map<String, Object> heartbeat(AgentEvent event) {
        Map<String, Object> beat = base(event);
        beat.put("state", event.state().wireName());
        beat.put("restart_count", event.restartCount());
        beat.put("epoch", event.epoch());
        wactorzHeartbeat(beat, event.state(), event.fields().get("cpu") instanceof Double cpu ? cpu : 0.0);
        if (event.message() != null) {
            beat.put("detail", event.message());
        }
        return beat;
    }

    /**
     * The fields a Wactorz dashboard reads: {@code task} is {@code running} or the state, as the runner
     * has it; {@code cpu} the percent of one core the agent's callbacks used lately, rounded to a
     * hundredth; memory is not measured per agent in one shared heap, so 0, as the runner sends.
     */
    private static void wactorzHeartbeat(Map<String, Object> beat, AgentState state, double cpu) {
        beat.put("cpu", Math.round(cpu * 100) / 100.0);
        beat.put("memory_mb", 0.0);
        beat.put("task", state.wireName());
        beat.put("protected", false);
    }

    /** The periodic form, from the agent list. */
    static Map<String, Object> heartbeat(AgentInfo agent, Object timestamp) {
        Map<String, Object> beat = new LinkedHashMap<>();
        beat.put("actor_id", agent.actorId());
        beat.put("name", agent.name());
        beat.put("agent", agent.name());
        beat.put("node", agent.node());
        beat.put("type", agent.type());
        beat.put("timestamp", timestamp);
        beat.put("state", agent.state().wireName());
        beat.put("restart_count", agent.restartCount());
        beat.put("epoch", agent.epoch());
        wactorzHeartbeat(beat, agent.state(), agent.cpuPercent());
        return beat;
    }

    private Map<String, Object> manifest(AgentEvent event) {
        Map<String, Object> manifest = base(event);
        event.config().description().ifPresent(d -> manifest.put("description", d));
        manifest.put("poll_interval", event.config().pollInterval().toMillis() / 1000.0);
        manifest.put("capabilities", event.config().capabilities());
        manifest.put("provider", event.provider());
        manifest.put("config", event.config().settings());
        return manifest;
    }
}
