package io.flotilla.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the node offers one agent. Safe to use from the agent's callbacks; the messaging methods
 * ({@link #tell}, {@link #ask}, {@link #publish}) may also be called from other threads.
 */
@ProviderType
public interface AgentContext {

    /** The default time an {@link #ask(String, Object)} waits for its reply. */
    Duration DEFAULT_ASK_TIMEOUT = Duration.ofSeconds(30);

    /** This agent's fleet-unique name. */
    String name();

    /** The name of the node this agent runs on. */
    String node();

    /** This agent's spawn configuration. */
    AgentConfig config();

    /** Publishes {@code data} as JSON to {@code topic} on the fleet broker. */
    void publish(String topic, Object data);

    /**
     * Publishes a result of this agent on {@code agents/{actor_id}/results} as
     * {@code {"agent", "node", "result", "timestamp"}}, where Wactorz dashboards look for it
     * ({@code publish_result}). {@code result} must be JSON-serialisable.
     *
     * @since 1.1.0
     */
    void publishResult(Object result);

    /** Adds a line to this agent's log ({@code agent:logs}, {@code agents/{id}/logs}). */
    void log(String message);

    /** Raises an alert ({@code agents/{id}/alert}) and logs it. */
    void alert(String message, Severity severity);

    /**
     * Stores {@code value} under {@code key} durably: it survives restarts of the agent and the
     * node, and travels with the agent when it migrates. {@code null} removes the key.
     */
    void persist(String key, Object value);

    /** Reads a value stored by {@link #persist}, converted to {@code type}. */
    <T> Optional<T> recall(String key, Class<T> type);

    /** Scratch state kept in memory for the life of this run only. */
    Map<String, Object> state();

    /** Sends {@code payload} to the agent named {@code agent}, on this node or any other. */
    void tell(String agent, Object payload);

    /**
     * Sends {@code payload} to the agent named {@code agent} and completes with its reply. The stage
     * always completes: with the {@link Reply}, or exceptionally with an {@link AskException} when
     * there is no such agent, its handler threw, or the timeout passed.
     */
    CompletionStage<Reply> ask(String agent, Object payload, Duration timeout);

    /** {@link #ask(String, Object, Duration)} with {@link #DEFAULT_ASK_TIMEOUT}. */
    default CompletionStage<Reply> ask(String agent, Object payload) {
        return ask(agent, payload, DEFAULT_ASK_TIMEOUT);
    }

    /**
     * Subscribes to an MQTT topic filter; each message is delivered to {@code handler} through this
     * agent's mailbox, so it never runs concurrently with the agent's other callbacks. The
     * subscription ends when the run ends or when it is closed.
     */
    Subscription subscribe(String topicFilter, Consumer<Message> handler);

    /** The agents on this node. */
    List<AgentInfo> agents();

    /** The fleet as this node knows it; empty when the node has no fleet connection. */
    List<NodeInfo> nodes();

    /**
     * Ends the current run cleanly after the running callback returns. What follows depends on the
     * agent's restart type: {@code permanent} agents start again, {@code transient} and
     * {@code temporary} ones stop.
     */
    void finish();
}
