package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentState;

/** Waiting for agents to stop: bounded, then their callbacks are interrupted. */
final class Stops {

    private static final Logger LOG = LoggerFactory.getLogger(Stops.class);

    private Stops() {
    }

    /**
     * Waits for one stop, at most {@code limit}; then interrupts the callback that holds the agent and
     * waits a little more before giving up with a message that says so.
     */
    static boolean await(AgentCell cell, CompletionStage<Void> stopping, Duration limit) {
        CompletableFuture<Void> stopped = stopping.toCompletableFuture();
        long millis = limit.toMillis();
        try {
            try {
                stopped.get(millis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                cell.interruptCallback();
                stopped.get(Math.min(millis, 2000), TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            throw new IllegalStateException("agent " + cell.name() + " did not stop within " + Failures.seconds(limit)
                    + " s: one of its callbacks does not return, even when interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("stopping agent " + cell.name() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping agent " + cell.name(), e);
        }
    }

    /** Waits for the stop of every agent, at most {@code limit}, then interrupts those still running. */
    static void awaitAll(CompletionStage<Void> stopping, Collection<AgentCell> cells, Duration limit) {
        try {
            stopping.toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cells.stream().filter(c -> c.state() != AgentState.STOPPED).forEach(c -> {
                LOG.warn("Agent {} did not stop within {} s; interrupting it", c.name(), Failures.seconds(limit));
                c.interruptCallback();
            });
        } catch (ExecutionException e) {
            LOG.warn("Stopping agents failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
