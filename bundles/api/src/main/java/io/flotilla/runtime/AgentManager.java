package io.flotilla.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.Reply;

/**
 * The agents of this node: spawn, stop, restart, inspect, message. Spawned agents are kept and
 * started again when the node restarts, until they are stopped or removed.
 */
@ProviderType
public interface AgentManager {

    /**
     * Starts an agent under its supervisor. Returns at once; installing its bundle, waiting for its
     * type and {@code setup()} happen in the background, and {@link SpawnResult#settled()} tells
     * how they ended. A spawn for a name that is already running is ignored unless
     * {@link SpawnConfig#replace()} is set.
     */
    SpawnResult spawn(SpawnConfig config);

    /**
     * Stops an agent deliberately: {@code teardown()} runs, it is not restarted and does not come
     * back when the node restarts. It stays listed as stopped, with its persisted state.
     *
     * @return false when there is no agent of that name
     */
    boolean stop(String name);

    /**
     * Stops an agent if it runs and forgets it; with {@code deleteState} its persisted state is
     * deleted too.
     *
     * @return false when there is no agent of that name
     */
    boolean remove(String name, boolean deleteState);

    /**
     * {@link #spawn} for an agent this node declares itself (a descriptor in {@code deploy/}, the
     * desired state, an autostart type), which must not come back here once it migrated to another
     * node: it would run twice in the fleet. Such a spawn changes nothing and ends
     * {@link SpawnResult.Outcome#DEPARTED}, until the agent is spawned here by {@link #spawn} or moves
     * back. Checked and spawned in one step, so a move that ends meanwhile cannot slip in between.
     */
    SpawnResult spawnDeclared(SpawnConfig config);

    /**
     * The node an agent went to when it migrated away from this node, unless it has been spawned here
     * or moved back since. It may have moved on from there; the fleet registry knows where it is now.
     */
    Optional<String> departedTo(String name);

    /**
     * Starts an agent again with a fresh restart budget, whatever its state.
     *
     * @return false when there is no agent of that name
     */
    boolean restart(String name);

    List<AgentInfo> list();

    Optional<AgentDetails> info(String name);

    /** The latest log lines of an agent, oldest first, at most {@code limit}. */
    List<LogEntry> logs(String name, int limit);

    /** Calls {@code listener} with each new log line of an agent until the returned handle is closed. */
    AutoCloseable followLogs(String name, Consumer<LogEntry> listener);

    /** The agent types available on this node now. */
    Set<String> types();

    /**
     * Completes when agent type {@code type} is available here (at once if it is), or exceptionally
     * with a {@link java.util.concurrent.TimeoutException} after {@code limit}.
     */
    CompletionStage<Void> awaitType(String type, Duration limit);

    /** Sends a message to an agent by name, here or on another node, from outside any agent. */
    default void tell(String agent, Object payload) {
        tellFrom(null, agent, payload);
    }

    /** Asks an agent by name, here or on another node; always completes, see {@link io.flotilla.api.AgentContext#ask}. */
    default CompletionStage<Reply> ask(String agent, Object payload, Duration timeout) {
        return askFrom(null, agent, payload, timeout);
    }

    /** {@link #tell} on behalf of {@code sender} (an agent of another node, say), whom the message names. */
    void tellFrom(String sender, String agent, Object payload);

    /** {@link #ask} on behalf of {@code sender}, whom the message names. */
    CompletionStage<Reply> askFrom(String sender, String agent, Object payload, Duration timeout);

    /** For completers and quick checks. */
    default Optional<AgentInfo> find(String name) {
        return list().stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
