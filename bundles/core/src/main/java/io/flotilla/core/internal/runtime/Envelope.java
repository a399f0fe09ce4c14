package io.flotilla.core.internal.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.flotilla.api.Message;
import io.flotilla.api.Reply;

/**
 * One item of a mailbox: a task for {@code handle()} (with a reply future when it was an ask) or
 * a subscription message for its handler, valid only in the run that subscribed.
 */
record Envelope(Object payload, String sender, String topic, CompletableFuture<Reply> reply,
        Consumer<Message> subscriber, int run) {

    static Envelope task(Object payload, String sender, CompletableFuture<Reply> reply) {
        return new Envelope(payload, sender, null, reply, null, -1);
    }

    static Envelope published(String topic, Object payload, Consumer<Message> subscriber, int run) {
        return new Envelope(payload, null, topic, null, subscriber, run);
    }
}
