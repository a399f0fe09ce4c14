package io.flotilla.spi.handoff;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands the fleet's stream of by-name tasks for an agent from one node to another without losing or
 * doubling a message. Every node receives every {@code agents/by-name/{name}/task} message in the
 * broker's order; the source publishes a marker into that stream. The source answers what came
 * before the marker (it waited in the paused agent's mailbox and is forwarded), the target what
 * comes after it, once the forwarded messages are in.
 */
@ProviderType
public interface TaskHandoff {

    /**
     * On the target, before the moving agent starts: ignore its by-name tasks until the marker of
     * {@code epoch}, then hold them until the source's forwarded messages arrive. After {@code limit}
     * without them, the held tasks are delivered anyway.
     */
    void expect(String agent, long epoch, String sourceNode, Duration limit);

    /**
     * On the source, once the target confirmed: publishes the marker and completes when this node's
     * stream reaches it; from then on this node leaves the agent's tasks to the target. Fails after
     * {@code limit}.
     */
    CompletionStage<Void> cutOver(String agent, long epoch, String targetNode, Duration limit);

    /**
     * On the source, after the cut: sends what waited in the agent's mailbox to the target, in
     * order; the answers to asks among them complete their replies.
     */
    void forward(String agent, long epoch, String targetNode, List<PendingMessage> messages);

    /** Forgets any handoff of {@code agent} on this node, after a move failed. */
    void abandon(String agent);
}
