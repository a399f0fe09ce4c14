package io.flotilla.runtime;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Commands from the broker that the node holds until an operator approves them
 * ({@code approval.kinds} of {@code io.flotilla.security.cfg}): each runs only once approved, is
 * refused when rejected, and is dropped, with a refusal to its sender, when its time runs out.
 * Held commands are kept in memory: a node that restarts forgets them, and their senders send again.
 */
@ProviderType
public interface CommandApprovals {

    /** The commands held now, oldest first. */
    List<PendingCommand> pending();

    /**
     * Runs the held command {@code id} as if it had just arrived; its result goes to its sender, and
     * completes the stage. Completes exceptionally with {@link IllegalArgumentException} when no
     * command of that id is held.
     */
    CompletionStage<CommandResult> approve(String id);

    /** Refuses the held command {@code id}, telling its sender; false when no command of that id is held. */
    boolean reject(String id);

    /**
     * A held command.
     *
     * @param id       what {@link #approve} and {@link #reject} take
     * @param kind     its kind ({@code spawn}, {@code stop}...)
     * @param summary  what it would do, in a line: the agent it names, the code it installs
     * @param origin   where it came from: the topic, and who signed it (or that nobody did)
     * @param received when the node got it
     * @param expires  when it is dropped unless approved
     */
    record PendingCommand(String id, String kind, String summary, String origin, Instant received, Instant expires) {
    }
}
