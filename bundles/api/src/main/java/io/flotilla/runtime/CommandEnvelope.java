package io.flotilla.runtime;

/**
 * The fields of a command document that say how its result travels, not what to do:
 * {@code request_id} and {@code reply_to}.
 *
 * @param requestId the sender's id for the command, or null
 * @param replyTo   where the sender wants the result, or null
 * @param repeat    the request id was seen lately: the command did not run again, and no second
 *                  result is due
 */
public record CommandEnvelope(String requestId, String replyTo, boolean repeat) {

    /** No request id, no reply topic. */
    public static final CommandEnvelope NONE = new CommandEnvelope(null, null, false);

    /** Whether the sender asked for a result. */
    public boolean wantsResult() {
        return requestId != null || replyTo != null;
    }
}
