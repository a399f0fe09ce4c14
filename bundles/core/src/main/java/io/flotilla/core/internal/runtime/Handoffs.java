package io.flotilla.core.internal.runtime;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.core.internal.store.AgentRecord;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.spi.handoff.PendingMessage;

/**
 * The agent manager's part in moving agents between nodes: pausing and releasing agents that leave,
 * adopting agents that arrive, epochs that keep one copy in the fleet, and the departures that keep
 * a declared agent from coming back to the node it left.
 */
final class Handoffs {

    private static final Logger LOG = LoggerFactory.getLogger(Handoffs.class);
    private static final String DEPARTED = "departed";

    private final AgentSystem system;
    private final RuntimeEnvironment env;
    private final Map<String, AgentCell> cells;
    private final NameLocks locks;
    private final Set<AgentCell> discarding = ConcurrentHashMap.newKeySet();
    /** Agents being released to another node, with that node: touched with the name's lock held. */
    private final Map<String, String> releasing = new ConcurrentHashMap<>();

    Handoffs(AgentSystem system, RuntimeEnvironment env, Map<String, AgentCell> cells, NameLocks locks) {
        this.system = system;
        this.env = env;
        this.cells = cells;
        this.locks = locks;
    }

    CompletionStage<AgentSnapshot> pause(String name) {
        AgentCell cell = cells.get(name);
        if (cell == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no agent named " + name + " on node "
                    + env.nodeName()));
        }
        return cell.pause();
    }

    void resume(String name, long epoch) {
        synchronized (locks.of(name)) {
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

    CompletionStage<List<PendingMessage>> release(String name, String newNode) {
        AgentCell cell;
        synchronized (locks.of(name)) {
            cell = cells.get(name);
            if (cell == null) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("no agent named " + name));
            }
            // From now on the agent is the target's: a declaration of this node must not start it again
            // in the moment between its stop here and its departure record.
            releasing.put(name, newNode);
        }
        CompletionStage<List<PendingMessage>> released = cell.release("node " + newNode).thenApply(waiting -> {
            synchronized (locks.of(name)) {
                if (cells.remove(name, cell)) {
                    recordDeparture(cell, newNode);
                    system.emit(cell, AgentEvent.Kind.REMOVED, null, Severity.INFO, newNode, Map.of());
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
     * Replaces the agent's record with its departure and sets its state aside ({@code departed}): the
     * target holds it now, but a confirmation, and any heartbeat that would say the agent runs there,
     * can be forged, so the latest state it had here is kept, one copy per agent. The target has
     * confirmed, so a file that cannot be written is reported, never thrown: the move has happened,
     * and failing here would roll back a move that cannot be undone.
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
            env.states().deleteAside(name, DEPARTED); // an earlier departure's: the latest is what counts
            env.states().setAside(name, DEPARTED);
        } catch (UncheckedIOException e) {
            LOG.warn("Agent {}'s state stays behind on this node: {}", name, e.getCause().getMessage());
        }
    }

    /** {@link AgentSystem#spawnDeclared}: refused for an agent that left, checked under the name's lock. */
    Optional<AgentInfo> departedWhileLocked(String name) {
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

    Optional<String> departedTo(String name) {
        synchronized (locks.of(name)) {
            return departedWhileLocked(name).map(AgentInfo::node);
        }
    }

    SpawnResult adopt(AgentSnapshot snapshot) {
        SpawnConfig config = snapshot.config();
        String name = config.name();
        synchronized (locks.of(name)) {
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
            AgentCell cell = new AgentCell(system, env, config, snapshot.actorId(), snapshot.epoch());
            cells.put(name, cell);
            cell.start(AgentCell.StartMode.SPAWN);
            LOG.info("Agent {} ({}) moved here at epoch {}", name, config.type(), snapshot.epoch());
            return new SpawnResult(existing == null ? SpawnResult.Outcome.SPAWNED
                    : SpawnResult.Outcome.REPLACED, cell.info(), cell.settled());
        }
    }

    OptionalLong epoch(String name) {
        AgentCell cell = cells.get(name);
        return cell == null ? OptionalLong.empty() : OptionalLong.of(cell.epoch());
    }

    boolean discardStale(String name, long newerEpoch) {
        AgentCell cell;
        synchronized (locks.of(name)) {
            cell = cells.get(name);
            if (cell == null || cell.epoch() >= newerEpoch || cell.state() == AgentState.PAUSED || !discarding.add(cell)) {
                return false;
            }
        }
        LOG.warn("Agent {} runs elsewhere at epoch {}, newer than this node's copy (epoch {}): discarding this copy, "
                + "its state set aside", name, newerEpoch, cell.epoch());
        system.removeAsync(name, StateFate.SET_ASIDE).whenComplete((done, failure) -> discarding.remove(cell));
        return true;
    }
}
