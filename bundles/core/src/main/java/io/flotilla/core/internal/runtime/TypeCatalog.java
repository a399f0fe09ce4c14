package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.exec.Scheduler.Cancellable;
import io.flotilla.runtime.SpawnConfig;

/**
 * The agent types this node can run, as providers come and go: agents move to a provider that
 * appears and off one that leaves, waiters for a type are told, and an autostart type gets its
 * agent once the node has restored its own.
 */
final class TypeCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(TypeCatalog.class);

    private final RuntimeEnvironment env;
    private final Supplier<Collection<AgentCell>> cells;
    private final TypeRegistry registry = new TypeRegistry();
    private final Map<String, List<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private final List<AgentFactory> pendingAutostarts = new ArrayList<>();
    private volatile Consumer<AgentFactory> autostarter;
    private boolean restored;

    TypeCatalog(RuntimeEnvironment env, Supplier<Collection<AgentCell>> cells, Consumer<AgentFactory> autostarter) {
        this.env = env;
        this.cells = cells;
        this.autostarter = autostarter;
    }

    TypeRegistry registry() {
        return registry;
    }

    /** Who starts the agent of an autostart type: the node's declarations, once it has them. */
    void useAutostarter(Consumer<AgentFactory> starter) {
        autostarter = starter;
    }

    /** The node restored its agents: autostart types that came before now get theirs. */
    void restored() {
        List<AgentFactory> autostarts;
        synchronized (pendingAutostarts) {
            restored = true;
            autostarts = new ArrayList<>(pendingAutostarts);
            pendingAutostarts.clear();
        }
        autostarts.forEach(factory -> autostarter.accept(factory));
    }

    void add(AgentFactory factory) {
        if (!SpawnConfig.NAME.matcher(factory.type()).matches()) {
            LOG.warn("Ignoring agent type '{}' from {}: type names are 1 to 64 of A-Z a-z 0-9 . _ -",
                    factory.type(), factory.provider());
            return;
        }
        registry.add(factory);
        LOG.info("Agent type {} available from {}", factory.type(), factory.provider());
        List<CompletableFuture<Void>> waiting = waiters.remove(factory.type());
        if (waiting != null) {
            waiting.forEach(w -> w.complete(null));
        }
        cells.get().forEach(cell -> cell.typeAdded(factory));
        if (factory.autostart()) {
            synchronized (pendingAutostarts) {
                if (!restored) {
                    pendingAutostarts.add(factory);
                    return;
                }
            }
            autostarter.accept(factory);
        }
    }

    /** Takes a provider away; completes when no agent uses it any more. */
    CompletionStage<Void> remove(AgentFactory factory) {
        registry.remove(factory);
        synchronized (pendingAutostarts) {
            pendingAutostarts.remove(factory);
        }
        LOG.info("Agent type {} from {} going away", factory.type(), factory.provider());
        List<CompletableFuture<Void>> released = new ArrayList<>();
        for (AgentCell cell : cells.get()) {
            released.add(cell.typeRemoving(factory).toCompletableFuture());
        }
        return CompletableFuture.allOf(released.toArray(CompletableFuture[]::new));
    }

    /** {@link #remove} waiting at most {@code stopTimeout}, for callers that must not return earlier. */
    void removeAndWait(AgentFactory factory) {
        try {
            remove(factory).toCompletableFuture().get(env.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Agents of type {} still busy {} s after their bundle began to go away", factory.type(),
                    Failures.seconds(env.stopTimeout()));
        } catch (ExecutionException e) {
            LOG.warn("Releasing agents of type {} failed", factory.type(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Set<String> types() {
        return registry.types();
    }

    CompletionStage<Void> await(String type, Duration limit) {
        if (registry.lookup(type).isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> available = new CompletableFuture<>();
        waiters.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(available);
        if (registry.lookup(type).isPresent()) { // it came while the waiter was being registered
            available.complete(null);
        }
        Cancellable deadline = env.scheduler().schedule(limit, () -> available.completeExceptionally(new TimeoutException(
                "agent type '" + type + "' did not appear within " + Failures.seconds(limit) + " s")));
        available.whenComplete((ignored, failure) -> {
            deadline.cancel();
            waiters.computeIfPresent(type, (t, list) -> {
                list.remove(available);
                return list.isEmpty() ? null : list;
            });
        });
        return available.minimalCompletionStage();
    }
}
