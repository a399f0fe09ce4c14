package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How the runtime words failures and durations in events, logs and errors. */
final class Failures {

    private Failures() {
    }

    /** {@code IllegalStateException: the message}, or the class alone when there is no message. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String kind = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }

    /** The failure inside the wrappers that futures add. */
    static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The message of the {@link #rootCause}, or its description when it has none. */
    static String rootMessage(Throwable failure) {
        Throwable cause = rootCause(failure);
        return cause.getMessage() != null ? cause.getMessage() : describe(cause);
    }

    /** Seconds as events show them: {@code 3.0}, {@code 0.25}. */
    static String seconds(Duration duration) {
        double value = duration.toNanos() / 1e9;
        return value == Math.rint(value) ? String.format("%.1f", value) : String.valueOf(Math.round(value * 1000) / 1000.0);
    }
}
