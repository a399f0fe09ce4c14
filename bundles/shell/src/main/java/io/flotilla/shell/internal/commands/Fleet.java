package io.flotilla.shell.internal.commands;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on the fleet from a command: bounded, with the cause's own words when it fails. */
final class Fleet {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Fleet() {
    }

    static <T> T await(CompletionStage<T> stage, Duration timeout) throws Exception {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception exception ? exception : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + timeout.toSeconds() + " s");
        }
    }

    static Duration seconds(double value) {
        return Duration.ofMillis(Math.round(value * 1000));
    }

    static IllegalStateException noFleet() {
        return new IllegalStateException("this node has no fleet registry (feature flotilla-registry)");
    }
}
