package io.flotilla.runtime;

/**
 * The fields of a command document that say how its result travels, not what to do
 * ({@code request_id} and {@code reply_to}), and what became of the command.
 *
 * @param requestId the sender's id for the command, or null
 * @param replyTo   where the sender wants the result, or null
 * @param handling  whether the command ran
 */
public record CommandEnvelope(String requestId, String replyTo, Handling handling) {

    /** No request id, no reply topic, and it ran. */
    public static final CommandEnvelope NONE = new CommandEnvelope(null, null, Handling.RAN);

    /** What became of a command. */
    public enum Handling {
        /** It ran (or was refused): its result is the one due. */
        RAN,
        /** Its request id was seen lately: it did not run again, and no second result is due. */
        REPEAT,
        /**
         * The node is stopping and did not run it: no result is due, and whatever keeps the command
         * (a retained message) should keep it for the node's next start.
         */
        NOT_RUN
    }

    /** Whether the sender asked for a result. */
    public boolean wantsResult() {
        return requestId != null || replyTo != null;
    }

    /** The same envelope, with what became of the command. */
    public CommandEnvelope handled(Handling outcome) {
        return new CommandEnvelope(requestId, replyTo, outcome);
    }
}
