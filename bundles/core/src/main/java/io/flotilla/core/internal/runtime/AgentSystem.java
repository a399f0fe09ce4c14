package io.flotilla.core.internal.runtime;

import java.io.UncheckedIOException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.AskException;
import io.flotilla.api.NodeInfo;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.core.internal.exec.Scheduler.Cancellable;
import io.flotilla.core.internal.store.AgentRecord;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.AgentEventListener;
import io.flotilla.runtime.AgentHandoff;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.AgentSnapshot;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.LogEntry;
import io.flotilla.runtime.PendingMessage;
import io.flotilla.runtime.RemoteMessaging;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;

/**
 * The agents of one node: spawns them into {@link AgentCell}s, remembers them across restarts,
 * routes messages to them and tells listeners what happens to them. Plain Java: the OSGi component
 * feeds it agent types and listeners; the tests feed it scripted ones.
 */
public final class AgentSystem implements AgentManager, AgentHandoff {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSystem.class);
    private static final int LOCK_STRIPES = 64;

    private final RuntimeEnvironment env;
    private final TypeRegistry types = new TypeRegistry();
    private final Map<String, AgentCell> cells = new ConcurrentHashMap<>();
    private final Object[] nameLocks = new Object[LOCK_STRIPES];
    private final List<AgentEventListener> listeners = new CopyOnWriteArrayList<>();
    private final List<AgentFactory> pendingAutostarts = new ArrayList<>();
    private final Map<String, List<CompletableFuture<Void>>> typeWaiters = new ConcurrentHashMap<>();
    private final Set<AgentCell> discarding = ConcurrentHashMap.newKeySet();
    /** Agents being released to another node, with that node: touched with the name's lock held. */
    private final Map<String, String> releasing = new ConcurrentHashMap<>();
    private final PubSub localBus = new LocalBus();
    private final RoutingPubSub pubSub = new RoutingPubSub(localBus);
    private volatile Supplier<List<NodeInfo>> fleetView = List::of;
    private volatile RemoteMessaging remote;
    private boolean restored;

    public AgentSystem(RuntimeEnvironment env) {
        this.env = env;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            nameLocks[i] = new Object();
        }
    }

    // ---------------------------------------------------------------- node lifecycle

    /** Brings back the agents spawned before the node last stopped, then starts autostart types. */
    public void restore() {
        List<AgentRecord> records = env.records().loadAll(problem -> LOG.error("{}", problem));
        for (AgentRecord record : records) {
            synchronized (lockFor(record.name())) {
                if (cells.containsKey(record.name())) {
                    continue;
                }
                AgentCell cell = new AgentCell(this, env, record.config(), record.actorId(), record.epoch());
                cells.put(record.name(), cell);
                if (record.running()) {
                    cell.start(AgentCell.StartMode.RESTORE);
                } else {
                    cell.stop(null);
                }
            }
        }
        LOG.info("Node {}: restored {} agents ({} to run)", env.nodeName(), records.size(),
                records.stream().filter(AgentRecord::running).count());
        List<AgentFactory> autostarts;
        synchronized (pendingAutostarts) {
            restored = true;
            autostarts = new ArrayList<>(pendingAutostarts);
            pendingAutostarts.clear();
        }
        autostarts.forEach(this::autostart);
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
        try {
            shutdownAsync().toCompletableFuture().get(env.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cells.values().stream().filter(c -> c.state() != AgentState.STOPPED).forEach(c -> {
                LOG.warn("Agent {} did not stop within {} s; interrupting it", c.name(), AgentCell.seconds(env.stopTimeout()));
                c.interruptCallback();
            });
        } catch (ExecutionException e) {
            LOG.warn("Stopping agents failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- types

    public void addType(AgentFactory factory) {
        if (!SpawnConfig.NAME.matcher(factory.type()).matches()) {
            LOG.warn("Ignoring agent type '{}' from {}: type names are 1 to 64 of A-Z a-z 0-9 . _ -",
                    factory.type(), factory.provider());
            return;
        }
        types.add(factory);
        LOG.info("Agent type {} available from {}", factory.type(), factory.provider());
        List<CompletableFuture<Void>> waiting = typeWaiters.remove(factory.type());
        if (waiting != null) {
            waiting.forEach(w -> w.complete(null));
        }
        cells.values().forEach(cell -> cell.typeAdded(factory));
        if (factory.autostart()) {
            synchronized (pendingAutostarts) {
                if (!restored) {
                    pendingAutostarts.add(factory);
                    return;
                }
            }
            autostart(factory);
        }
    }

    /** Takes a provider away; completes when no agent uses it any more. */
    public CompletionStage<Void> removeType(AgentFactory factory) {
        types.remove(factory);
        synchronized (pendingAutostarts) {
            pendingAutostarts.remove(factory);
        }
        LOG.info("Agent type {} from {} going away", factory.type(), factory.provider());
        List<CompletableFuture<Void>> released = new ArrayList<>();
        for (AgentCell cell : cells.values()) {
            released.add(cell.typeRemoving(factory).toCompletableFuture());
        }
        return CompletableFuture.allOf(released.toArray(CompletableFuture[]::new));
    }

    /** {@link #removeType} waiting at most {@code stopTimeout}, for callers that must not return earlier. */
    public void removeTypeAndWait(AgentFactory factory) {
        try {
            removeType(factory).toCompletableFuture().get(env.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Agents of type {} still busy {} s after their bundle began to go away", factory.type(),
                    AgentCell.seconds(env.stopTimeout()));
        } catch (ExecutionException e) {
            LOG.warn("Releasing agents of type {} failed", factory.type(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    TypeRegistry typeRegistry() {
        return types;
    }

    // ---------------------------------------------------------------- AgentManager

    @Override
    public SpawnResult spawn(SpawnConfig config) {
        config.node().filter(node -> !node.equals(env.nodeName())).ifPresent(node -> {
            throw new InvalidSpawnConfigException("node", "names node " + node + ", but this is node " + env.nodeName());
        });
        String name = config.name();
        synchronized (lockFor(name)) {
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
    public boolean stop(String name) {
        AgentCell cell = cells.get(name);
        return cell != null && awaitStop(cell, stopAsync(name));
    }

    /** A deliberate stop that does not wait; fails when there is no such agent. */
    public CompletionStage<Void> stopAsync(String name) {
        synchronized (lockFor(name)) {
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
        return cell != null && awaitStop(cell, removeAsync(name, deleteState));
    }

    /** Stops an agent and forgets it once stopped, without waiting; fails when there is no such agent. */
    public CompletionStage<Void> removeAsync(String name, boolean deleteState) {
        AgentCell cell = cells.get(name);
        if (cell == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no agent named " + name));
        }
        return cell.stop(null).thenRun(() -> {
            synchronized (lockFor(name)) {
                if (cells.remove(name, cell)) {
                    env.records().delete(name);
                    if (deleteState) {
                        env.states().delete(name);
                    }
                    emit(cell, AgentEvent.Kind.REMOVED, null, Severity.INFO, null);
                }
            }
        });
    }

    @Override
    public boolean restart(String name) {
        synchronized (lockFor(name)) {
            AgentCell cell = cells.get(name);
            if (cell == null) {
                return false;
            }
            env.records().save(new AgentRecord(cell.actorId(), cell.config(), true, cell.epoch()));
            cell.restartNow();
            return true;
        }
    }

    /**
     * Waits for a stop, at most {@code stopTimeout}; then interrupts the callback that holds the agent
     * and waits a little more before giving up with a message that says so.
     */
    private boolean awaitStop(AgentCell cell, CompletionStage<Void> stopping) {
        CompletableFuture<Void> stopped = stopping.toCompletableFuture();
        long limit = env.stopTimeout().toMillis();
        try {
            try {
                stopped.get(limit, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                cell.interruptCallback();
                stopped.get(Math.min(limit, 2000), TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            throw new IllegalStateException("agent " + cell.name() + " did not stop within "
                    + AgentCell.seconds(env.stopTimeout()) + " s: one of its callbacks does not return, even when interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("stopping agent " + cell.name() + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping agent " + cell.name(), e);
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
        Instant startedAt = cell.startedAt();
        Duration uptime = startedAt == null ? Duration.ZERO : Duration.between(startedAt, env.scheduler().clock().instant());
        return Optional.of(new AgentDetails(cell.info(), cell.config(), cell.persistedSnapshot(), cell.detail(),
                cell.lastError(), cell.lastErrorAt(), startedAt, uptime, cell.mailboxSize(), cell.provider()));
    }

    @Override
    public List<LogEntry> logs(String name, int limit) {
        AgentCell cell = cells.get(name);
        return cell == null ? List.of() : cell.log().latest(limit);
    }

    @Override
    public AutoCloseable followLogs(String name, Consumer<LogEntry> listener) {
        AgentCell cell = cells.get(name);
        if (cell == null) {
            throw new IllegalArgumentException("no agent named " + name);
        }
        return cell.log().follow(listener);
    }

    @Override
    public AutoCloseable followEvents(AgentEventListener listener) {
        addListener(listener);
        return () -> removeListener(listener);
    }

    @Override
    public Set<String> types() {
        return types.types();
    }

    @Override
    public CompletionStage<Void> awaitType(String type, Duration limit) {
        if (types.lookup(type).isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> available = new CompletableFuture<>();
        typeWaiters.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(available);
        if (types.lookup(type).isPresent()) { // it came while the waiter was being registered
            available.complete(null);
        }
        Cancellable deadline = env.scheduler().schedule(limit, () -> available.completeExceptionally(new TimeoutException(
                "agent type '" + type + "' did not appear within " + AgentCell.seconds(limit) + " s")));
        available.whenComplete((ignored, failure) -> {
            deadline.cancel();
            typeWaiters.computeIfPresent(type, (t, list) -> {
                list.remove(available);
                return list.isEmpty() ? null : list;
            });
        });
        return available.minimalCompletionStage();
    }

    // ---------------------------------------------------------------- AgentHandoff

    @Override
    public CompletionStage<AgentSnapshot> pause(String name) {
        AgentCell cell = cells.get(name);
        if (cell == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no agent named " + name + " on node "
                    + env.nodeName()));
        }
        return cell.pause();
    }

    @Override
    public void resume(String name, long epoch) {
        synchronized (lockFor(name)) {
            AgentCell cell = cells.get(name);
            if (cell == null) {
                return;
            }
            if (epoch > cell.epoch()) {
                boolean shouldRun = cell.state() != AgentState.STOPPED; // an operator may have stopped it meanwhile
                env.records().save(new AgentRecord(cell.actorId(), cell.config(), shouldRun, epoch));
            }
            cell.resume(epoch);
        }
    }

    @Override
    public CompletionStage<List<PendingMessage>> release(String name, String newNode) {
        AgentCell cell;
        synchronized (lockFor(name)) {
            cell = cells.get(name);
            if (cell == null) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("no agent named " + name));
            }
            // From now on the agent is the target's: a declaration of this node must not start it again
            // in the moment between its stop here and its departure record.
            releasing.put(name, newNode);
        }
        CompletionStage<List<PendingMessage>> released = cell.release("node " + newNode).thenApply(waiting -> {
            synchronized (lockFor(name)) {
                if (cells.remove(name, cell)) {
                    recordDeparture(cell, newNode);
                    emit(cell, AgentEvent.Kind.REMOVED, null, Severity.INFO, newNode);
                }
                releasing.remove(name);
            }
            return waiting;
        });
        released.whenComplete((waiting, failure) -> {
            if (failure != null) {
                releasing.remove(name, newNode);
            }
        });
        return released;
    }

    /**
     * Replaces the agent's record with its departure and deletes its state, which the target now holds.
     * The target has confirmed, so a file that cannot be written is reported, never thrown: the move
     * has happened, and failing here would roll back a move that cannot be undone.
     */
    private void recordDeparture(AgentCell cell, String newNode) {
        String name = cell.name();
        try {
            env.records().depart(new AgentRecord(cell.actorId(), cell.config(), false, cell.epoch()), newNode);
        } catch (UncheckedIOException e) {
            LOG.error("Agent {} moved to node {}, but its departure could not be recorded here ({}); deleting its "
                    + "record instead", name, newNode, e.getCause().getMessage());
            try {
                env.records().delete(name);
            } catch (UncheckedIOException again) {
                LOG.error("Agent {}'s record could not be deleted either ({}): it would start here again when "
                        + "this node restarts", name, again.getCause().getMessage());
            }
        }
        try {
            env.states().delete(name);
        } catch (UncheckedIOException e) {
            LOG.warn("Agent {}'s state stays behind on this node: {}", name, e.getCause().getMessage());
        }
    }

    @Override
    public SpawnResult spawnDeclared(SpawnConfig config) {
        synchronized (lockFor(config.name())) {
            Optional<AgentInfo> away = departed(config.name());
            if (away.isPresent()) {
                return new SpawnResult(SpawnResult.Outcome.DEPARTED, away.get(), CompletableFuture.completedFuture(away.get()));
            }
            return spawn(config);
        }
    }

    @Override
    public Optional<String> departedTo(String name) {
        synchronized (lockFor(name)) {
            return departed(name).map(AgentInfo::node);
        }
    }

    /** The agent as it left, its node the one it went to; called with the name's lock held. */
    private Optional<AgentInfo> departed(String name) {
        AgentCell cell = cells.get(name);
        String leavingFor = releasing.get(name);
        if (cell != null && leavingFor != null) {
            return Optional.of(new AgentInfo(name, cell.actorId(), cell.config().type(), leavingFor, AgentState.STOPPED,
                    0, cell.epoch()));
        }
        if (cell != null) {
            return Optional.empty();
        }
        return env.records().departure(name).map(d -> new AgentInfo(d.name(), d.actorId(), d.type(), d.node(),
                AgentState.STOPPED, 0, d.epoch()));
    }

    @Override
    public SpawnResult adopt(AgentSnapshot snapshot) {
        SpawnConfig config = snapshot.config();
        String name = config.name();
        synchronized (lockFor(name)) {
            AgentCell existing = cells.get(name);
            if (existing != null && !existing.state().isTerminal()) {
                throw new IllegalStateException("an agent named " + name + " already runs on node " + env.nodeName()
                        + " (" + existing.state().wireName() + ", epoch " + existing.epoch() + ")");
            }
            if (existing != null && existing.epoch() >= snapshot.epoch()) {
                throw new IllegalStateException("node " + env.nodeName() + " already knows agent " + name + " at epoch "
                        + existing.epoch() + ", not older than the moving copy's " + snapshot.epoch());
            }
            // State first: when setup() runs, recall() must find what the agent persisted on the other node.
            env.states().open(name, problem -> LOG.warn("{}", problem)).replaceAll(snapshot.state());
            env.records().save(new AgentRecord(snapshot.actorId(), config, true, snapshot.epoch()));
            AgentCell cell = new AgentCell(this, env, config, snapshot.actorId(), snapshot.epoch());
            cells.put(name, cell);
            cell.start(AgentCell.StartMode.SPAWN);
            LOG.info("Agent {} ({}) moved here at epoch {}", name, config.type(), snapshot.epoch());
            return new SpawnResult(existing == null ? SpawnResult.Outcome.SPAWNED : SpawnResult.Outcome.REPLACED,
                    cell.info(), cell.settled());
        }
    }

    @Override
    public OptionalLong epoch(String name) {
        AgentCell cell = cells.get(name);
        return cell == null ? OptionalLong.empty() : OptionalLong.of(cell.epoch());
    }

    @Override
    public boolean discardStale(String name, long newerEpoch) {
        AgentCell cell;
        synchronized (lockFor(name)) {
            cell = cells.get(name);
            if (cell == null || cell.epoch() >= newerEpoch || cell.state() == AgentState.PAUSED || !discarding.add(cell)) {
                return false;
            }
        }
        LOG.warn("Agent {} runs elsewhere at epoch {}, newer than this node's copy (epoch {}): discarding this copy",
                name, newerEpoch, cell.epoch());
        removeAsync(name, true).whenComplete((done, failure) -> discarding.remove(cell));
        return true;
    }

    @Override
    public void tellFrom(String sender, String agent, Object payload) {
        tell(sender, agent, payload);
    }

    @Override
    public CompletionStage<Reply> askFrom(String sender, String agent, Object payload, Duration timeout) {
        return ask(sender, agent, payload, timeout);
    }

    // ---------------------------------------------------------------- messaging

    /** A local agent gets the message in its mailbox; any other name goes to the fleet, if there is one. */
    void tell(String sender, String target, Object payload) {
        AgentCell cell = cells.get(target);
        if (cell != null) {
            cell.enqueue(Envelope.task(payload, sender, null));
            return;
        }
        RemoteMessaging fleet = remote;
        if (fleet != null) {
            fleet.tell(sender, target, payload);
        } else {
            LOG.debug("Message from {} to unknown agent {} dropped", sender, target);
        }
    }

    CompletionStage<Reply> ask(String sender, String target, Object payload, Duration timeout) {
        AgentCell cell = cells.get(target);
        if (cell == null) {
            RemoteMessaging fleet = remote;
            if (fleet != null) {
                return fleet.ask(sender, target, payload, timeout);
            }
            return CompletableFuture.failedFuture(new AskException(AskException.Reason.NO_SUCH_AGENT, target,
                    "no agent named " + target + " on node " + env.nodeName() + ", which has no fleet connection"));
        }
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        Cancellable timer = env.scheduler().schedule(timeout, () -> reply.completeExceptionally(new AskException(
                AskException.Reason.TIMEOUT, target, "no reply from " + target + " within " + AgentCell.seconds(timeout) + " s")));
        reply.whenComplete((value, failure) -> timer.cancel());
        cell.enqueue(Envelope.task(payload, sender, reply));
        return reply.minimalCompletionStage();
    }

    void publish(String topic, Object data) {
        pubSub.publish(topic, data);
    }

    PubSub pubSub() {
        return pubSub;
    }

    /** Sends agents' publications and subscriptions to the fleet broker; null returns to this node alone. */
    public void usePubSub(PubSub fleet) {
        pubSub.use(fleet == null ? localBus : fleet);
    }

    /** Where messages to names this node does not hold go; null: nowhere. */
    public void useRemote(RemoteMessaging fleet) {
        remote = fleet;
    }

    public void useFleetView(Supplier<List<NodeInfo>> view) {
        fleetView = view == null ? List::of : view;
    }

    List<NodeInfo> nodes() {
        return fleetView.get();
    }

    String nodeName() {
        return env.nodeName();
    }

    // ---------------------------------------------------------------- events

    public void addListener(AgentEventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(AgentEventListener listener) {
        listeners.remove(listener);
    }

    void emit(AgentCell cell, AgentEvent.Kind kind, String phase, Severity severity, String message) {
        AgentEvent event = new AgentEvent(kind, cell.name(), cell.actorId(), cell.config().type(), env.nodeName(),
                cell.state(), cell.restartCount(), phase, severity, message, env.scheduler().clock().instant(),
                cell.config(), cell.provider(), cell.epoch());
        cell.logEvent(event);
        for (AgentEventListener listener : listeners) {
            try {
                listener.onAgentEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Agent event listener {} failed on {}", listener, event, e);
            }
        }
    }

    private Object lockFor(String name) {
        return nameLocks[Math.floorMod(name.hashCode(), LOCK_STRIPES)];
    }
}
