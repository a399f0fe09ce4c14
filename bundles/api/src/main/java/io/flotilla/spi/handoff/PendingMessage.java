package io.flotilla.spi.handoff;

import java.util.concurrent.CompletableFuture;

import io.flotilla.api.Reply;

/**
 * A message that waited in the mailbox of an agent that moved away, to be handed on to where it went.
 *
 * @param payload what was sent
 * @param sender  the sending agent's name, or null
 * @param reply   for an ask, completed with the answer from the new node; null for a tell
 */
public record PendingMessage(Object payload, String sender, CompletableFuture<Reply> reply) {

    public boolean isAsk() {
        return reply != null;
    }
}
