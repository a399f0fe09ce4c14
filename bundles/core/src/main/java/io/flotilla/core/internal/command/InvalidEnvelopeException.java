package io.flotilla.core.internal.command;

import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.InvalidCommandException;

/**
 * A command refused for its envelope ({@code request_id}, {@code reply_to}): what could be used of
 * the envelope comes along, so that the refusal still names the request, and never goes to a reply
 * topic that was refused.
 */
final class InvalidEnvelopeException extends InvalidCommandException {

    private static final long serialVersionUID = 1L;

    private final transient CommandEnvelope usable;

    InvalidEnvelopeException(String field, String reason, CommandEnvelope usable) {
        super(field, reason);
        this.usable = usable;
    }

    CommandEnvelope usable() {
        return usable;
    }
}
