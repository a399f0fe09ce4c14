package io.flotilla.spi.command;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;

/**
 * A kind of command that a bundle adds to the node's intake (whiteboard): registered with the
 * service property {@link #KINDS} naming the kinds it handles. The intake calls it only for commands
 * it admitted, one at a time on the intake's thread: a handler that does slow work hands it to a
 * thread of its own and completes the stage from there.
 */
@ConsumerType
public interface CommandHandler {

    /** Service property: the command kinds handled, e.g. {@code migrate}. */
    String KINDS = "flotilla.command";

    /**
     * Runs one admitted command. The body is the document without the envelope fields
     * ({@code request_id}, {@code reply_to}), which are in {@code envelope}. Completes with the
     * command's one result; a handler that throws, or whose stage fails, gets a failed result with the
     * cause's message.
     */
    CompletionStage<CommandResult> handle(String kind, Map<String, Object> body, CommandEnvelope envelope,
            CommandOrigin origin);

    /** The largest document of {@code kind} accepted, in bytes; empty: the node's command limit. */
    default OptionalInt maxDocumentBytes(String kind) {
        return OptionalInt.empty();
    }
}
