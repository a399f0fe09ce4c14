package io.flotilla.util;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import io.flotilla.api.AskException;
import io.flotilla.api.Reply;

/** Answers to tasks as they come back over the broker: {@code {"result": ...}} or {@code {"error", "reason"}}. */
public final class Replies {

    private Replies() {
    }

    /** The reply in {@code answer}; an error answer is thrown as the {@link AskException} it describes. */
    public static Reply read(Json json, String agent, Map<String, Object> answer) {
        if (answer.get("error") != null) {
            throw new AskException(reason(answer.get("reason")), agent, String.valueOf(answer.get("error")));
        }
        return new DataReply(String.valueOf(answer.getOrDefault("agent", agent)), answer.get("result"), json::convert);
    }

    /** What an ask that got no usable answer ended with, as an {@link AskException}. */
    public static AskException failure(String agent, Duration timeout, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof AskException ask) {
            return ask;
        }
        if (cause instanceof TimeoutException) {
            return new AskException(AskException.Reason.TIMEOUT, agent,
                    "no reply from " + agent + " within " + timeout.toMillis() / 1000.0 + " s");
        }
        return new AskException(AskException.Reason.UNDELIVERABLE, agent, "asking " + agent + " failed: " + cause.getMessage());
    }

    private static AskException.Reason reason(Object text) {
        if (text instanceof String name) {
            try {
                return AskException.Reason.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknownReason) {
                // a newer node's reason: the error text still says what happened
            }
        }
        return AskException.Reason.HANDLER_FAILED;
    }
}
