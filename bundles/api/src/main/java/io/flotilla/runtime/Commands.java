package io.flotilla.runtime;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's one command intake. Every command that changes or asks this node — from an MQTT topic,
 * a file in {@code deploy/}, the shell or the Java API — is admitted here before anything happens:
 * its document is read within the size limit of its kind, its envelope ({@code request_id},
 * {@code reply_to}) is taken apart, a request id seen lately runs once only, its fields are checked,
 * and (with the security issues) its sender will be authenticated and authorized. Only then does it
 * reach the handler of its kind. Commands run one at a time, in the order they were submitted, on
 * the intake's own thread.
 *
 * <p>The kinds are those of the MQTT protocol ({@code docs/protocol.md}): {@code spawn}, {@code stop},
 * {@code stop_all}, {@code list}, {@code ping}, {@code desired_state}, {@code migrate} and the node to
 * node messages of a migration, plus {@code restart} and {@code declare} (the agents that one source,
 * such as a file in {@code deploy/}, declares).
 *
 * <p>Every command gets exactly one result: a refused or failed command is a result with
 * {@code success} false, the {@code error} and, where one field is to blame, {@code field}.
 */
@ProviderType
public interface Commands {

    /**
     * Reads a command document (a JSON object, as it came over the wire or from a file) and runs it.
     * {@code onResult} gets the one result, on the thread that finished the command, before anything
     * the command does after it (the shutdown that follows {@code stop_all}); it must not block.
     */
    void submit(String kind, byte[] document, CommandOrigin origin, Consumer<CommandResult> onResult);

    /** {@link #submit(String, byte[], CommandOrigin, Consumer)} for a document already read into a map. */
    void submit(String kind, Map<String, Object> document, CommandOrigin origin, Consumer<CommandResult> onResult);

    /** {@link #submit(String, byte[], CommandOrigin, Consumer)}, completing a stage with the result. */
    default CompletionStage<CommandResult> submit(String kind, byte[] document, CommandOrigin origin) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        submit(kind, document, origin, result::complete);
        return result;
    }

    /** {@link #submit(String, Map, CommandOrigin, Consumer)}, completing a stage with the result. */
    default CompletionStage<CommandResult> submit(String kind, Map<String, Object> document, CommandOrigin origin) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        submit(kind, document, origin, result::complete);
        return result;
    }
}
