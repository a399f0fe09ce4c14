package io.flotilla.runtime;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;

/**
 * Something that happened to an agent, for {@link AgentEventListener}s: the fleet connection turns
 * these into {@code agents/{id}/heartbeat}, {@code errors}, {@code logs} and {@code alert} messages.
 *
 * @param kind         what happened
 * @param agent        agent name
 * @param actorId      its stable id
 * @param type         its type
 * @param node         this node
 * @param state        its state after the event
 * @param restartCount restarts charged against its budget
 * @param phase        for errors: compile (the type cannot be loaded), setup, process, handle_task,
 *                     teardown, state, supervisor (a restart, or fatal when the budget is spent)
 * @param severity     info for logs and state changes; the error or alert severity otherwise
 * @param message      the log line, alert text or error
 * @param timestamp    when
 * @param config       the agent's spawn configuration
 * @param provider     the bundle that provides its type ({@code symbolic-name/version}), or null
 * @param epoch        rises each time the agent moves to another node
 * @param fields       what else the event says, by wire name: {@code consecutive} on a {@code process}
 *                     error, {@code cause_phase} on a supervisor's, {@code result} on a result
 * @since 2.2.0 (fields)
 */
public record AgentEvent(Kind kind, String agent, String actorId, String type, String node, AgentState state,
        int restartCount, String phase, Severity severity, String message, Instant timestamp, SpawnConfig config,
        String provider, long epoch, Map<String, Object> fields) {

    public AgentEvent {
        fields = fields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields)); // a result may be null
    }

    /** An event with no further fields, as before 2.2.0. */
    public AgentEvent(Kind kind, String agent, String actorId, String type, String node, AgentState state,
            int restartCount, String phase, Severity severity, String message, Instant timestamp, SpawnConfig config,
            String provider, long epoch) {
        this(kind, agent, actorId, type, node, state, restartCount, phase, severity, message, timestamp, config,
                provider, epoch, Map.of());
    }

    public enum Kind {
        /** The agent moved to {@link #state()}. */
        STATE_CHANGED,
        /** A failure, in {@link #phase()}, with {@link #severity()} fatal when the agent gave up. */
        ERROR,
        /** A line from {@code AgentContext.log}. */
        LOG,
        /** An alert from {@code AgentContext.alert}. */
        ALERT,
        /** A result from {@code AgentContext.publishResult}, as {@code fields().get("result")}. */
        RESULT,
        /** The agent is gone from this node: deleted, or moved to the node {@link #message()} names. */
        REMOVED,
        /**
         * The agent was on this node when the listener was added: each listener gets one for every
         * such agent, in its current state, before any later event of it.
         */
        PRESENT
    }
}
