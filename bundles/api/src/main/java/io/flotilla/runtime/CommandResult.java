package io.flotilla.runtime;

import java.util.Map;

/**
 * The result of a command sent to a node.
 *
 * @param node     the node that ran it
 * @param success  whether it did what was asked
 * @param error    why not, or null
 * @param fields   the rest of the node's answer (agent, state, outcome, ...; {@code field} names the
 *                 field to blame when a field was refused)
 * @param envelope how the command came and where its result goes, as the sender wrote it
 */
public record CommandResult(String node, boolean success, String error, Map<String, Object> fields,
        CommandEnvelope envelope) {

    /** A result with no envelope: for a command that named no request id and no reply topic. */
    public CommandResult(String node, boolean success, String error, Map<String, Object> fields) {
        this(node, success, error, fields, CommandEnvelope.NONE);
    }

    /** The same result, for a command that came in {@code next}. */
    public CommandResult in(CommandEnvelope next) {
        return new CommandResult(node, success, error, fields, next);
    }
}
