package io.flotilla.core.internal.runtime;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Severity;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentEventListener;

/**
 * Delivers the node's agent events to its listeners, in the order they happened, on one thread of
 * its own (the runtime's event executor), never on an agent's: a listener that publishes to the
 * broker or subscribes holds up no agent. A listener added while agents run is first told of each
 * of them ({@link AgentEvent.Kind#PRESENT}), then of every later event, so it misses none.
 */
final class EventHub {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    private final RuntimeEnvironment env;
    private final Executor deliveries;
    private final Supplier<Collection<AgentCell>> cells;
    // Added on the delivery thread; removed at once too, so that a listener going away hears no more.
    private final List<AgentEventListener> listeners = new CopyOnWriteArrayList<>();
    // Added and not yet told of the agents present: one removed meanwhile is never told.
    private final Set<AgentEventListener> joining = ConcurrentHashMap.newKeySet();
    private volatile boolean deliveryStopped;

    /**
     * @param env   the node, its clock, and where events are delivered: one thread at a time, in order
     * @param cells the agents on the node now
     */
    EventHub(RuntimeEnvironment env, Supplier<Collection<AgentCell>> cells) {
        this.env = env;
        this.deliveries = env.events();
        this.cells = cells;
    }

    void addListener(AgentEventListener listener) {
        joining.add(listener);
        submit(() -> {
            if (!joining.remove(listener)) {
                return; // removed before it could join
            }
            for (AgentCell cell : cells.get()) {
                tell(listener, event(cell, AgentEvent.Kind.PRESENT, null, Severity.INFO, cell.state().wireName(), Map.of()));
            }
            listeners.add(listener);
        });
    }

    void removeListener(AgentEventListener listener) {
        joining.remove(listener);
        listeners.remove(listener);
    }

    /** Completes once every event emitted before the call has reached the listeners. */
    CompletionStage<Void> delivered() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> done.complete(null));
        if (deliveryStopped) {
            done.complete(null);
        }
        return done;
    }

    /** An event of {@code cell}: into the agent's own log at once, to the listeners on the delivery thread. */
    void emit(AgentCell cell, AgentEvent.Kind kind, String phase, Severity severity, String message,
            Map<String, Object> fields) {
        AgentEvent event = event(cell, kind, phase, severity, message, fields);
        cell.status().logEvent(event);
        submit(() -> listeners.forEach(listener -> {
            if (listeners.contains(listener)) { // not removed while this event was on its way
                tell(listener, event);
            }
        }));
    }

    private AgentEvent event(AgentCell cell, AgentEvent.Kind kind, String phase, Severity severity, String message,
            Map<String, Object> fields) {
        if (kind == AgentEvent.Kind.STATE_CHANGED) {
            // a heartbeat goes out on every state change, with the agent's CPU as the periodic ones have it
            fields = Map.of("cpu", cell.status().cpuPercent());
        }
        return new AgentEvent(kind, cell.name(), cell.actorId(), cell.config().type(), env.nodeName(), cell.state(),
                cell.status().restartCount(), phase, severity, message, env.scheduler().clock().instant(), cell.config(),
                cell.run().provider(), cell.epoch(), fields);
    }

    private void submit(Runnable delivery) {
        try {
            deliveries.execute(delivery);
        } catch (RejectedExecutionException stopping) {
            deliveryStopped = true;
            LOG.debug("Agent event not delivered: the node is stopping");
        }
    }

    private static void tell(AgentEventListener listener, AgentEvent event) {
        try {
            listener.onAgentEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("Agent event listener {} failed on {}", listener, event, e);
        }
    }
}
