package io.flotilla.core.internal.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.Message;
import io.flotilla.api.Severity;
import io.flotilla.api.Subscription;
import io.flotilla.core.internal.exec.Scheduler.Cancellable;

/**
 * The current run of one agent: its instance and context, the subscriptions and the timer the run
 * holds, and its number. A number that moved on makes everything an older run scheduled (ticks,
 * back-offs, subscription messages) fall silent. Confined to the agent's serial context, except the
 * subscription list, which agent code may touch from its own threads.
 */
final class AgentRun {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRun.class);

    private final AgentCell cell;
    private final List<Subscription> subscriptions = new ArrayList<>();

    private Agent instance;
    private AgentFactory factory;
    private CellContext context;
    private int number;
    private Cancellable timer = Cancellable.NONE;
    private volatile Instant startedAt;
    private volatile String provider;

    AgentRun(AgentCell cell) {
        this.cell = cell;
    }

    /** The number of the run now; each new run, and each end of one, moves it on. */
    int number() {
        return number;
    }

    /** Starts counting a new run: what the old one scheduled no longer applies. */
    void next() {
        number++;
    }

    Agent instance() {
        return instance;
    }

    CellContext context() {
        return context;
    }

    AgentFactory factory() {
        return factory;
    }

    /** When the run's setup succeeded, or null when no instance runs. */
    Instant startedAt() {
        return startedAt;
    }

    void markStarted(Instant at) {
        startedAt = at;
    }

    /** The bundle that provides the agent's type ({@code symbolic-name/version}), or null before any run. */
    String provider() {
        return provider;
    }

    /** Makes {@code created}, from {@code from}, the run's instance, with a fresh context. */
    CellContext adopt(Agent created, AgentFactory from) {
        instance = created;
        factory = from;
        provider = from.provider();
        context = new CellContext(cell, number);
        return context;
    }

    /** The timer of the run (a tick or a back-off); replaces and cancels nothing. */
    void setTimer(Cancellable next) {
        timer = next;
    }

    void cancelTimer() {
        timer.cancel();
        timer = Cancellable.NONE;
    }

    Subscription subscribe(int forRun, String topicFilter, Consumer<Message> handler) {
        String problem = TopicFilter.problem(topicFilter);
        if (problem != null) {
            throw new IllegalArgumentException("topic filter '" + topicFilter + "' " + problem);
        }
        Subscription subscription = cell.system().pubSub().subscribe(topicFilter,
                (topic, payload) -> cell.enqueue(Envelope.published(topic, payload, handler, forRun)));
        synchronized (subscriptions) {
            subscriptions.add(subscription);
        }
        return subscription;
    }

    /** Ends the instance: subscriptions closed, timer cancelled, {@code teardown()}, released. */
    void end() {
        cancelTimer();
        closeSubscriptions();
        if (instance != null) {
            Agent ending = instance;
            CellContext endingContext = context;
            Throwable failure = Callbacks.call(() -> ending.teardown(endingContext));
            if (failure != null) {
                cell.status().recordError("teardown", Severity.WARNING, "teardown() failed: " + Failures.describe(failure));
            }
        }
        release();
    }

    /**
     * Lets go of an instance whose thread is stuck in it, with no callback and no release: the run's
     * subscriptions and timer end, and the thread gives the instance back if it ever returns.
     */
    void abandon() {
        cancelTimer();
        closeSubscriptions();
        if (context != null) {
            context.fence();
        }
        instance = null;
        factory = null;
        context = null;
        startedAt = null;
    }

    /**
     * Gives the instance back to its factory without a teardown (its setup failed, or it is given up):
     * what it subscribed to meanwhile is closed.
     */
    void release() {
        closeSubscriptions();
        if (instance != null) {
            try {
                factory.release(instance);
            } catch (RuntimeException e) {
                LOG.debug("Agent {}: releasing its instance failed", cell.name(), e);
            }
        }
        instance = null;
        factory = null;
        context = null;
        startedAt = null;
    }

    private void closeSubscriptions() {
        synchronized (subscriptions) {
            subscriptions.forEach(Subscription::close);
            subscriptions.clear();
        }
    }
}
