package io.flotilla.core.internal.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.flotilla.api.AgentState;
import io.flotilla.api.AskException;
import io.flotilla.api.Message;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.util.DataReply;

/**
 * Hands one agent its messages: tasks to {@code handle()}, whose return value (or the stage it
 * returns) answers an ask, and published messages to the subscription handler of the run that
 * subscribed. A handler that throws an {@link Error} crashes the run; any other exception is a
 * warning and the agent carries on. Once the agent has ended, asks are answered with why.
 * Confined to the agent's serial context.
 */
final class Delivery {

    private final AgentCell cell;
    private final RuntimeEnvironment env;

    Delivery(AgentCell cell, RuntimeEnvironment env) {
        this.cell = cell;
        this.env = env;
    }

    void deliver(Envelope envelope) {
        AgentRun run = cell.run();
        if (envelope.subscriber() != null) {
            if (envelope.run() == run.number()) {
                Throwable failure = Callbacks.call(() -> envelope.subscriber().accept(message(envelope)));
                afterHandlerFailure(failure, "a subscription handler for " + envelope.topic());
            }
            return;
        }
        Object[] result = new Object[1];
        Throwable failure = Callbacks.call(() -> result[0] = run.instance().handle(message(envelope), run.context()));
        CompletableFuture<Reply> reply = envelope.reply();
        if (failure == null) {
            if (reply != null) {
                complete(reply, result[0]);
            }
            return;
        }
        if (reply != null) {
            reply.completeExceptionally(new AskException(AskException.Reason.HANDLER_FAILED, cell.name(),
                    "agent " + cell.name() + " failed to handle the message: " + Failures.describe(failure)));
        }
        afterHandlerFailure(failure, "handle()");
    }

    /** Answers an ask to an agent that no longer runs with why; a tell is dropped. */
    void refuse(Envelope envelope) {
        if (envelope.reply() != null) {
            AgentState state = cell.status().state();
            String detail = cell.status().detail();
            envelope.reply().completeExceptionally(new AskException(AskException.Reason.NOT_RUNNING, cell.name(),
                    "agent " + cell.name() + " is " + state.wireName() + (detail.isEmpty() ? "" : ": " + detail)));
        }
    }

    private void afterHandlerFailure(Throwable failure, String where) {
        if (failure == null) {
            return;
        }
        if (failure instanceof Error) {
            cell.supervisor().crash("handle_task", where + " threw " + Failures.describe(failure));
        } else {
            cell.status().recordError("handle_task", Severity.WARNING, where + " failed: " + Failures.describe(failure));
        }
    }

    private void complete(CompletableFuture<Reply> reply, Object value) {
        if (value instanceof CompletionStage<?> pending) {
            pending.whenComplete((v, failure) -> {
                if (failure == null) {
                    reply.complete(new DataReply(cell.name(), v, env.json()::convert));
                } else {
                    reply.completeExceptionally(new AskException(AskException.Reason.HANDLER_FAILED, cell.name(),
                            "agent " + cell.name() + " failed to handle the message: "
                                    + Failures.describe(Failures.rootCause(failure))));
                }
            });
        } else {
            reply.complete(new DataReply(cell.name(), value, env.json()::convert));
        }
    }

    private Message message(Envelope envelope) {
        return new LocalMessage(envelope.payload(), envelope.sender(), envelope.topic(), env.json());
    }
}
