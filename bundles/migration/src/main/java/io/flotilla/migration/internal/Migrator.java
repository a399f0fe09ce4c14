package io.flotilla.migration.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.NodeInfo;
import io.flotilla.api.Subscription;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.MigrationResult;
import io.flotilla.runtime.Migrations;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.spi.fleet.FleetCommands;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.spi.handoff.AgentCode;
import io.flotilla.spi.handoff.AgentHandoff;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.spi.handoff.PendingMessage;
import io.flotilla.spi.handoff.TaskHandoff;

/**
 * Moves agents of this node to others. The agent is paused (its mailbox buffers) and snapshotted;
 * the snapshot goes to the target's {@code migrate_in} with a higher epoch; only when the target
 * confirms that the agent runs there is the task stream cut over, the copy here released (its
 * state kept aside: nothing on the broker proves that the target runs it) and what waited in its
 * mailbox forwarded. Whatever fails before that — the target
 * unknown, offline, refusing, dying, or silent past {@code confirm.timeout} — the target is told to
 * drop its copy and the agent runs on here, at an epoch above the one the target was offered.
 */
@Component(service = {Migrations.class, MigrationOrders.class, OutgoingMoves.class})
public final class Migrator implements Migrations, MigrationOrders, OutgoingMoves {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final MigrationPolicy settings;
    private final AgentManager agents;
    private final AgentHandoff handoff;
    private final AgentCode code;
    private final TaskHandoff tasks;
    private final FleetLink fleet;
    private final FleetCommands commands;
    private final FleetRegistry registry;
    private final FleetTopics topics;
    private final String self;
    private final Map<String, Outgoing> moving = new ConcurrentHashMap<>();

    @Activate
    public Migrator(@Reference MigrationPolicy settings, @Reference AgentManager agents, @Reference AgentHandoff handoff,
            @Reference AgentCode code, @Reference TaskHandoff tasks, @Reference FleetLink fleet,
            @Reference FleetCommands commands, @Reference FleetRegistry registry, @Reference NodeIdentity node) {
        this.settings = settings;
        this.agents = agents;
        this.handoff = handoff;
        this.code = code;
        this.tasks = tasks;
        this.fleet = fleet;
        this.commands = commands;
        this.registry = registry;
        this.topics = fleet.topics();
        this.self = node.name();
    }

    /** A move the node's own operator asked for (the shell, the Java API): one passed on is signed as theirs. */
    @Override
    public CompletionStage<MigrationResult> migrate(String agent, String targetNode, Duration timeout) {
        return migrate(agent, targetNode, timeout, true);
    }

    @Override
    public CompletionStage<MigrationResult> migrateFromBroker(String agent, String targetNode, Duration timeout) {
        return migrate(agent, targetNode, timeout, false);
    }

    private CompletionStage<MigrationResult> migrate(String agent, String targetNode, Duration timeout, boolean asOperator) {
        long started = System.nanoTime();
        if (agents.find(agent).isEmpty()) {
            return migrateElsewhere(agent, targetNode, timeout, started, asOperator);
        }
        Optional<String> refusal = refusal(agent, targetNode);
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(failed(agent, targetNode, refusal.get(), started));
        }
        String type = agents.find(agent).map(found -> found.type()).orElse("");
        if (moving.putIfAbsent(agent, new Outgoing(targetNode, type)) != null) {
            return CompletableFuture.completedFuture(failed(agent, targetNode, "agent " + agent + " is already moving", started));
        }
        return new Move(agent, targetNode, started).run().whenComplete((result, failure) -> moving.remove(agent));
    }

    @Override
    public Optional<Outgoing> outgoing(String agent) {
        return Optional.ofNullable(moving.get(agent));
    }

    /** Why the move cannot even begin, if it cannot. */
    private Optional<String> refusal(String agent, String target) {
        if (target.equals(self)) {
            return Optional.of("agent " + agent + " already runs on node " + self);
        }
        Optional<NodeInfo> node = registry.node(target).map(details -> details.info());
        if (node.isEmpty()) {
            return Optional.of("node " + target + " is unknown to the fleet registry of node " + self);
        }
        if (!node.get().online()) {
            return Optional.of("node " + target + " is offline");
        }
        if (!node.get().speaksFlotilla()) {
            return Optional.of("node " + target + " is a " + node.get().runner() + " runner, which does not speak Flotilla's"
                    + " migration handoff: stop the agent here and spawn it there instead (its state stays here)");
        }
        return Optional.empty();
    }

    /** An agent this node does not hold: its node (as the registry knows it) is asked to move it. */
    private CompletionStage<MigrationResult> migrateElsewhere(String agent, String target, Duration timeout, long started,
            boolean asOperator) {
        Optional<String> holder = registry.nodeOf(agent).filter(node -> !node.equals(self));
        if (holder.isEmpty()) {
            return CompletableFuture.completedFuture(failed(agent, target, "no agent named " + agent
                    + " on any online node of the fleet", started));
        }
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("name", agent);
        command.put("target_node", target);
        return (asOperator ? commands.requestAsOperator(holder.get(), "migrate", command, timeout)
                : commands.request(holder.get(), "migrate", command, timeout))
                .handle((reply, failure) -> {
                    if (failure != null) {
                        return failed(agent, target, "node " + holder.get() + " did not answer the migrate command within "
                                + timeout.toSeconds() + " s", started);
                    }
                    return new MigrationResult(Boolean.TRUE.equals(reply.get("success")), agent,
                            String.valueOf(reply.getOrDefault("from_node", holder.get())), target,
                            reply.get("error") == null ? null : String.valueOf(reply.get("error")),
                            reply.get("duration_ms") instanceof Number ms ? ms.longValue() : elapsed(started));
                });
    }

    private MigrationResult failed(String agent, String target, String error, long started) {
        LOG.warn("Migration of {} to {} refused: {}", agent, target, error);
        return new MigrationResult(false, agent, self, target, error, elapsed(started));
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** One move, from pause to handoff or rollback. */
    private final class Move {
        private final String agent;
        private final String target;
        private final long started;
        private volatile boolean paused;
        private volatile boolean offered;
        private volatile long epoch;
        private volatile String actorId;

        Move(String agent, String target, long started) {
            this.agent = agent;
            this.target = target;
            this.started = started;
        }

        CompletionStage<MigrationResult> run() {
            return handoff.pause(agent)
                    .thenCompose(this::offer)
                    .thenCompose(confirmed -> handOver())
                    .handle((result, failure) -> failure == null ? result : rollBack(failure));
        }

        /** Sends the snapshot to the target; completes when the target confirms that the agent runs there. */
        private CompletionStage<Void> offer(AgentSnapshot snapshot) {
            paused = true;
            epoch = snapshot.epoch() + 1;
            actorId = snapshot.actorId();
            LOG.info("Moving agent {} to node {} (epoch {}, {} persisted keys)", agent, target, epoch, snapshot.state().size());
            Map<String, Object> offer = new LinkedHashMap<>();
            offer.put("name", agent);
            offer.put("epoch", epoch);
            offer.put("from_node", self);
            offer.put("actor_id", snapshot.actorId());
            offer.put("config", snapshot.config().with(Map.of("node", target)).toMap());
            offer.put("state", snapshot.state());
            code.sourceOf(snapshot.config().type()).ifPresent(source -> offer.put("code", CodeOffer.toMap(source)));

            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            Subscription watch = watchForLoss(confirmed);
            offered = true;
            commands.request(target, "migrate_in", offer, settings.confirmTimeout())
                    .whenComplete((reply, failure) -> {
                        if (failure != null) {
                            confirmed.completeExceptionally(rootCause(failure) instanceof TimeoutException
                                    ? new MoveFailed("node " + target + " did not confirm within "
                                            + settings.confirmTimeout().toMillis() / 1000.0 + " s")
                                    : failure);
                        } else if (!Boolean.TRUE.equals(reply.get("success"))) {
                            confirmed.completeExceptionally(new MoveFailed("node " + target + " refused: " + reply.get("error")));
                        } else if (!confirms(reply)) {
                            confirmed.completeExceptionally(new MoveFailed("the confirmation of the move is not node "
                                    + target + "'s for agent " + agent + " at epoch " + epoch + ": " + reply));
                        } else {
                            confirmed.complete(null);
                        }
                    });
            return confirmed.whenComplete((ignored, failure) -> watch.close());
        }

        /** Whether a reply says what the target asked would say: its name, the agent's, the move's epoch. */
        private boolean confirms(Map<String, Object> reply) {
            return target.equals(reply.get("node")) && agent.equals(reply.get("agent"))
                    && reply.get("epoch") instanceof Number confirmed && confirmed.longValue() == epoch;
        }

        /** Fails the move at once when the target's Will or clean stop arrives while it is being offered the agent. */
        private Subscription watchForLoss(CompletableFuture<Void> confirmed) {
            long knownIncarnation = registry.node(target).map(d -> d.info().incarnation()).orElse(0L);
            WireJson json = new WireJson();
            return fleet.subscribe(topics.ofNode(target, "status"), (topic, payload, retained) -> {
                try {
                    Map<String, Object> status = json.object(payload, 64 * 1024);
                    if ("offline".equals(status.get("status")) && status.get("incarnation") instanceof Number incarnation
                            && incarnation.longValue() >= knownIncarnation) {
                        confirmed.completeExceptionally(new MoveFailed("node " + target + " went offline ("
                                + status.getOrDefault("reason", "offline") + ") before confirming"));
                    }
                } catch (IllegalArgumentException unreadable) {
                    LOG.debug("Unreadable status of {}: {}", target, unreadable.getMessage());
                }
            });
        }

        /** The target runs the agent: cut the task stream over, release the copy here, forward what waited. */
        private CompletionStage<MigrationResult> handOver() {
            return tasks.cutOver(agent, epoch, target, settings.cutoverTimeout())
                    .exceptionally(failure -> {
                        // The target runs the agent: carry on. Tasks in flight may reach both nodes.
                        LOG.warn("Moving {}: {}; handing over all the same", agent, rootMessage(failure));
                        return null;
                    })
                    .thenCompose(cut -> handoff.release(agent, target))
                    .thenApply(this::forward);
        }

        private MigrationResult forward(List<PendingMessage> waiting) {
            paused = false;
            tasks.forward(agent, epoch, target, waiting);
            long ms = elapsed(started);
            LOG.info("Agent {} moved to node {} in {} ms (epoch {}, {} waiting messages forwarded)", agent, target, ms,
                    epoch, waiting.size());
            return new MigrationResult(true, agent, self, target, null, ms);
        }

        /** The agent stays here: the target drops any copy it started, and this one runs on. */
        private MigrationResult rollBack(Throwable failure) {
            String why = rootMessage(failure);
            if (offered) {
                commands.send(target, "migrate_abort", Map.of("name", agent, "epoch", epoch, "from_node", self, "reason", why));
            }
            tasks.abandon(agent);
            if (paused) {
                // Above the offered epoch: should the target start its copy late, that copy is the stale one.
                handoff.resume(agent, epoch + 1);
            }
            long ms = elapsed(started);
            LOG.warn("Moving agent {} to node {} failed after {} ms: {}; it runs on here", agent, target, ms, why);
            return new MigrationResult(false, agent, self, target, why, ms);
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = rootCause(failure);
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** A move that cannot go on; the message says why. */
    static final class MoveFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MoveFailed(String message) {
            super(message, null, false, false);
        }
    }
}
