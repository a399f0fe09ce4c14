package io.flotilla.spi.handoff;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

import io.flotilla.runtime.SpawnResult;

/**
 * The agent manager's part in moving an agent between nodes. The source {@link #pause}s the agent
 * and snapshots it, the target {@link #adopt}s the snapshot; once the target runs it, the source
 * {@link #release}s its copy, or {@link #resume}s it when the move failed. Epochs keep one copy:
 * an agent here that is older than a copy elsewhere is {@link #discardStale stale}.
 */
@ProviderType
public interface AgentHandoff {

    /**
     * Holds a running agent still once its current callback returns: no callback runs, and messages
     * wait in its mailbox. Completes with its snapshot; fails when there is no such agent, when it is
     * not running, or when something else (a deploy/ descriptor) decides where it lives.
     */
    CompletionStage<AgentSnapshot> pause(String name);

    /**
     * Lets a paused agent run again here, after a failed move, at an epoch of at least
     * {@code epoch}, so that a late copy on the target counts as stale. Messages that waited are
     * handled in order.
     */
    void resume(String name, long epoch);

    /**
     * Ends a paused agent that now runs on {@code newNode}: {@code teardown()}, then its record is
     * replaced with its departure and its state set aside here (the latest such copy of each agent is
     * kept: nothing a node hears proves that the agent runs where it went). Completes with the
     * messages that waited, oldest first, for the new node.
     */
    CompletionStage<List<PendingMessage>> release(String name, String newNode);

    /**
     * Starts an agent that moved here, with its actor id, epoch and persisted state (written before
     * {@code setup()} runs). Refused ({@link IllegalStateException}) when an agent of that name runs
     * here, or one of the same or a later epoch is known here.
     */
    SpawnResult adopt(AgentSnapshot snapshot);

    /** The epoch of the agent of that name here, if there is one. */
    OptionalLong epoch(String name);

    /**
     * Stops and forgets the agent of that name here when its epoch is lower than {@code newerEpoch}
     * and it is not paused for a move of its own: a newer copy runs elsewhere. Its state is set aside,
     * kept beside where it was: the evidence for a newer copy may be wrong.
     *
     * @return whether a copy was discarded
     */
    boolean discardStale(String name, long newerEpoch);
}
