package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.core.internal.store.AgentRecord;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentEventListener;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.LogEntry;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.spi.fleet.FleetPort;
import io.flotilla.spi.handoff.AgentHandoff;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.spi.handoff.PendingMessage;

/**
 * The agents of one node, the engine under the agent manager: spawns them into {@link AgentCell}s,
 * remembers them across restarts, and answers for them by name. Its parts: the {@link TypeCatalog}
 * of agent types, {@link Handoffs} for agents that move, {@link Messaging} for what agents send,
 * the {@link EventHub} that tells listeners what happens. Plain Java: the OSGi components feed it
 * agent types, listeners and the fleet port; the tests feed it scripted ones. It checks no policy:
 * whatever reaches it was admitted by the node's command intake.
 */
public final class AgentSystem implements AgentManager, AgentHandoff {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSystem.class);

    private final RuntimeEnvironment env;
    private final Map<String, AgentCell> cells = new ConcurrentHashMap<>();
    private final NameLocks locks = new NameLocks();
    private final TypeCatalog types;
    private final Handoffs handoffs;
    private final Messaging messaging;
    private final EventHub events;
    // process() calls given up on whose threads have not returned: each holds a pool thread.
    private final AtomicInteger abandonedCalls = new AtomicInteger();

    public AgentSystem(RuntimeEnvironment env) {
        this.env = env;
        this.types = new TypeCatalog(env, cells::values, this::autostart);
        this.handoffs = new Handoffs(this, env, cells, locks);
        this.messaging = new Messaging(env, cells::get);
        this.events = new EventHub(env, cells::values);
    }

    // ---------------------------------------------------------------- node lifecycle

    /** Brings back the agents spawned before the node last stopped, then starts autostart types. */
    public void restore() {
        new Restoration(env, cells, locks, record -> new AgentCell(this, env, record.config(), record.actorId(),
                record.epoch())).run();
        types.restored();
    }

    /** Stops every agent for a node shutdown. Records are untouched, so the agents come back with the node. */
    public CompletionStage<Void> shutdownAsync() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (AgentCell cell : cells.values()) {
            stops.add(cell.stop(null).toCompletableFuture());
        }
        return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    }

    /** {@link #shutdownAsync()}, waiting at most {@code stopTimeout}, then interrupting what still runs. */
    public void shutdown() {
        Stops.awaitAll(shutdownAsync(), cells.values(), env.stopTimeout());
    }

    // ---------------------------------------------------------------- the parts

    public void addType(AgentFactory factory) {
        types.add(factory);
    }

    /** Takes a provider away; completes when no agent uses it any more. */
    public CompletionStage<Void> removeType(AgentFactory factory) {
        return types.remove(factory);
    }

    /** {@link #removeType} waiting at most {@code stopTimeout}, for callers that must not return earlier. */
    public void removeTypeAndWait(AgentFactory factory) {
        types.removeAndWait(factory);
    }

    /** Who starts the agent of an autostart type (by default this system, through {@link #spawnDeclared}). */
    public void useAutostarter(Consumer<AgentFactory> starter) {
        types.useAutostarter(starter);
    }

    /** Reaches the fleet through {@code port} from now on; null returns to this node alone. */
    public void useFleet(FleetPort port) {
        messaging.useFleet(port);
    }

    public void addListener(AgentEventListener listener) {
        events.addListener(listener);
    }

    public void removeListener(AgentEventListener listener) {
        events.removeListener(listener);
    }

    /**
     * Completes once every agent event so far has reached the listeners: a command's result waits
     * for it, so that what the listeners do about an agent (subscribing to its tasks, publishing its
     * heartbeat) is done before the sender hears the result.
     */
    public CompletionStage<Void> eventsDelivered() {
        return events.delivered();
    }

    TypeRegistry typeRegistry() {
        return types.registry();
    }

    Messaging messaging() {
        return messaging;
    }

    PubSub pubSub() {
        return messaging.pubSub();
    }

    String nodeName() {
        return env.nodeName();
    }

    private void autostart(AgentFactory factory) {
        if (cells.containsKey(factory.type())) {
            return;
        }
        try {
            SpawnResult result = spawnDeclared(SpawnConfig.fromMap(Map.of("name", factory.type(), "type", factory.type())));
            if (result.outcome() == SpawnResult.Outcome.DEPARTED) {
                LOG.info("Agent {} of an autostart type moved to node {}; not started here again", factory.type(),
                        result.agent().node());
                return;
            }
            LOG.info("Autostarted agent {} ({})", result.agent().name(), result.outcome());
        } catch (RuntimeException e) {
            LOG.warn("Could not autostart an agent of type {}", factory.type(), e);
        }
    }

    // ---------------------------------------------------------------- AgentManager

    @Override
    public SpawnResult spawn(SpawnConfig config) {
        String name = config.name();
        synchronized (locks.of(name)) {
            AgentCell existing = cells.get(name);
            boolean active = existing != null && !existing.state().isTerminal();
            if (active && !config.replace()) {
                return new SpawnResult(SpawnResult.Outcome.ALREADY_RUNNING, existing.info(), existing.settled());
            }
            String actorId = existing != null ? existing.actorId() : UUID.randomUUID().toString();
            long epoch = existing != null ? existing.epoch() : 0;
            env.records().save(new AgentRecord(actorId, config, true, epoch));
            AgentCell cell = new AgentCell(this, env, config, actorId, epoch);
            cells.put(name, cell);
            if (active) {
                existing.stop(cell).whenComplete((ignored, failure) -> cell.start(AgentCell.StartMode.SPAWN));
            } else {
                cell.start(AgentCell.StartMode.SPAWN);
            }
            LOG.debug("Spawned {} ({})", name, config.type());
            return new SpawnResult(active ? SpawnResult.Outcome.REPLACED : SpawnResult.Outcome.SPAWNED, cell.info(),
                    cell.settled());
        }
    }

    @Override
    public SpawnResult spawnDeclared(SpawnConfig config) {
        synchronized (locks.of(config.name())) {
            Optional<AgentInfo> away = handoffs.departedWhileLocked(config.name());
            if (away.isPresent()) {
                return new SpawnResult(SpawnResult.Outcome.DEPARTED, away.get(), CompletableFuture.completedFuture(away.get()));
            }
            return spawn(config);
        }
    }

    @Override
    public Optional<String> departedTo(String name) {
        return handoffs.departedTo(name);
    }

    @Override
    public boolean stop(String name) {
        AgentCell cell = cells.get(name);
        return cell != null && Stops.await(cell, stopAsync(name), env.stopTimeout());
    }

    /** A deliberate stop that does not wait; fails when there is no such agent. */
    public CompletionStage<Void> stopAsync(String name) {
        synchronized (locks.of(name)) {
            AgentCell cell = cells.get(name);
            if (cell == null) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("no agent named " + name));
            }
            env.records().save(new AgentRecord(cell.actorId(), cell.config(), false, cell.epoch()));
            return cell.stop(null);
        }
    }

    @Override
    public boolean remove(String name, boolean deleteState) {
        AgentCell cell = cells.get(name);
        return cell != null && Stops.await(cell, removeAsync(name, deleteState), env.stopTimeout());
    }

    /** Stops an agent and forgets it once stopped, without waiting; fails when there is no such agent. */
    public CompletionStage<Void> removeAsync(String name, boolean deleteState) {
        return removeAsync(name, deleteState ? StateFate.DELETE : StateFate.KEEP);
    }

    CompletionStage<Void> removeAsync(String name, StateFate state) {
        AgentCell cell = cells.get(name);
        if (cell == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no agent named " + name));
        }
        return cell.stop(null).thenRun(() -> {
            synchronized (locks.of(name)) {
                if (cells.remove(name, cell)) {
                    env.records().delete(name);
                    switch (state) {
                        case DELETE -> env.states().delete(name);
                        case SET_ASIDE -> env.states().setAside(name, "discarded").ifPresent(aside ->
                                LOG.warn("Agent {}'s state is kept in {}", name, aside));
                        case KEEP -> { }
                    }
                    emit(cell, AgentEvent.Kind.REMOVED, null, Severity.INFO, null, Map.of());
                }
            }
        });
    }

    @Override
    public boolean restart(String name) {
        synchronized (locks.of(name)) {
            AgentCell cell = cells.get(name);
            if (cell == null) {
                return false;
            }
            // A stopped agent from source may be in a language the node stopped running since
            env.installer().codeRefusal(cell.config()).ifPresent(refusal -> {
                throw new IllegalStateException("agent " + name + " is not restarted: " + refusal);
            });
            env.records().save(new AgentRecord(cell.actorId(), cell.config(), true, cell.epoch()));
            cell.restartNow();
            return true;
        }
    }

    @Override
    public List<AgentInfo> list() {
        return cells.values().stream().map(AgentCell::info).sorted(Comparator.comparing(AgentInfo::name)).toList();
    }

    @Override
    public Optional<AgentInfo> find(String name) {
        AgentCell cell = cells.get(name);
        return cell == null ? Optional.empty() : Optional.of(cell.info());
    }

    @Override
    public Optional<AgentDetails> info(String name) {
        AgentCell cell = cells.get(name);
        if (cell == null) {
            return Optional.empty();
        }
        CellStatus status = cell.status();
        Instant startedAt = cell.run().startedAt();
        Duration uptime = startedAt == null ? Duration.ZERO : Duration.between(startedAt, env.scheduler().clock().instant());
        return Optional.of(new AgentDetails(cell.info(), cell.config(), cell.persistedSnapshot(), status.detail(),
                status.lastError(), status.lastErrorAt(), startedAt, uptime, cell.mailbox().size(), cell.run().provider()));
    }

    @Override
    public List<LogEntry> logs(String name, int limit) {
        AgentCell cell = cells.get(name);
        return cell == null ? List.of() : cell.status().log().latest(limit);
    }

    @Override
    public AutoCloseable followLogs(String name, Consumer<LogEntry> listener) {
        AgentCell cell = cells.get(name);
        if (cell == null) {
            throw new IllegalArgumentException("no agent named " + name);
        }
        return cell.status().log().follow(listener);
    }

    @Override
    public Set<String> types() {
        return types.types();
    }

    @Override
    public CompletionStage<Void> awaitType(String type, Duration limit) {
        return types.await(type, limit);
    }

    @Override
    public void tellFrom(String sender, String agent, Object payload) {
        messaging.tell(sender, agent, payload);
    }

    @Override
    public CompletionStage<Reply> askFrom(String sender, String agent, Object payload, Duration timeout) {
        return messaging.ask(sender, agent, payload, timeout);
    }

    // ---------------------------------------------------------------- AgentHandoff

    @Override
    public CompletionStage<AgentSnapshot> pause(String name) {
        return handoffs.pause(name);
    }

    @Override
    public void resume(String name, long epoch) {
        handoffs.resume(name, epoch);
    }

    @Override
    public CompletionStage<List<PendingMessage>> release(String name, String newNode) {
        return handoffs.release(name, newNode);
    }

    @Override
    public SpawnResult adopt(AgentSnapshot snapshot) {
        return handoffs.adopt(snapshot);
    }

    @Override
    public OptionalLong epoch(String name) {
        return handoffs.epoch(name);
    }

    @Override
    public boolean discardStale(String name, long newerEpoch) {
        return handoffs.discardStale(name, newerEpoch);
    }

    /**
     * {@code cell} failed for good: it stays failed, with {@code reason}, when the node restarts,
     * rather than being started again, installs and all.
     */
    void failedForGood(AgentCell cell, String reason) {
        synchronized (locks.of(cell.name())) {
            if (cells.get(cell.name()) == cell) { // else replaced or removed meanwhile
                Restoration.recordFailure(env, cell, reason);
            }
        }
    }

    // ---------------------------------------------------------------- events

    /** An event of {@code cell}: into its own log at once, to the listeners through the hub. */
    AtomicInteger abandonedCalls() {
        return abandonedCalls;
    }

    void emit(AgentCell cell, AgentEvent.Kind kind, String phase, Severity severity, String message,
            Map<String, Object> fields) {
        events.emit(cell, kind, phase, severity, message, fields);
    }
}
