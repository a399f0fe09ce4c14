package io.flotilla.migration.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.InvalidCommandException;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.command.CommandHandler;
import io.flotilla.spi.fleet.FleetCommands;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.spi.handoff.AgentCode.CodeSource;
import io.flotilla.spi.handoff.AgentCode;
import io.flotilla.spi.handoff.AgentHandoff;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.spi.handoff.TaskHandoff;
import io.flotilla.util.DaemonThreads;

/**
 * Takes in agents that move here, on {@code nodes/{n}/migrate_in} as the node's command intake
 * admitted it: installs their type if this node lacks it (from the bundle's location, else from bytes
 * fetched from the sending node), starts the agent with its state and epoch, and confirms, or refuses
 * with the reason. A {@code nodes/{n}/migrate_abort} from the sender calls a move off: a copy started
 * for it is discarded, and an offer that arrives after the abort is refused.
 */
@Component(property = {CommandHandler.KINDS + "=migrate_in", CommandHandler.KINDS + "=migrate_abort"})
public final class MigrationReceiver implements CommandHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationReceiver.class);
    /** How long after the source stops waiting for a confirmation its abort may still come. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(30);

    private final MigrationPolicy settings;
    private final AgentManager agents;
    private final AgentHandoff handoff;
    private final AgentCode code;
    private final TaskHandoff tasks;
    private final FleetCommands commands;
    private final FleetTopics topics;
    private final FleetRegistry registry;
    private final Map<String, Long> calledOff = new ConcurrentHashMap<>();
    /** The moves into this node lately: an abort ends only the copy one of them started. */
    private final Map<String, Arriving> arriving = new ConcurrentHashMap<>();
    private final ExecutorService worker;

    @Activate
    public MigrationReceiver(@Reference MigrationPolicy settings, @Reference AgentManager agents,
            @Reference AgentHandoff handoff, @Reference AgentCode code, @Reference TaskHandoff tasks,
            @Reference FleetLink fleet, @Reference FleetCommands commands, @Reference FleetRegistry registry) {
        this.settings = settings;
        this.agents = agents;
        this.handoff = handoff;
        this.code = code;
        this.tasks = tasks;
        this.commands = commands;
        this.topics = fleet.topics();
        this.registry = registry;
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named("flotilla-migration-in"));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }

    @Override
    public OptionalInt maxDocumentBytes(String kind) {
        // An agent's config and state; calling a move off takes no more than any other command.
        return "migrate_in".equals(kind) ? OptionalInt.of(settings.maxBytes()) : OptionalInt.empty();
    }

    @Override
    public CompletionStage<CommandResult> handle(String kind, Map<String, Object> message, CommandEnvelope envelope,
            CommandOrigin origin) {
        return "migrate_abort".equals(kind) ? abort(message) : arrive(message);
    }

    /** An agent offered to this node; completes once it runs here, or was refused. */
    private CompletionStage<CommandResult> arrive(Map<String, Object> offer) {
        Arrival arrival;
        try {
            arrival = Arrival.of(offer);
        } catch (IllegalArgumentException e) {
            return refuse(offer.get("name"), e.getMessage());
        }
        String name = arrival.snapshot().name();
        if (calledOff.getOrDefault(name, -1L) >= arrival.snapshot().epoch()) {
            return refuse(name, "node " + arrival.from() + " called the move of " + name + " at epoch "
                    + arrival.snapshot().epoch() + " off before it arrived");
        }
        AgentInfo here = agents.find(name).orElse(null);
        if (here != null && !here.state().isTerminal()) {
            return refuse(name, "an agent named " + name + " already runs on node " + topics.node());
        }
        LOG.info("Agent {} moving here from node {} (epoch {})", name, arrival.from(), arrival.snapshot().epoch());
        forgetOldArrivals();
        arriving.put(name, new Arriving(arrival.snapshot().epoch(), arrival.from(), Instant.now()));
        // The task stream is the source's until its marker: set before the agent can take a message.
        tasks.expect(name, arrival.snapshot().epoch(), arrival.from(), settings.confirmTimeout().plus(settings.cutoverTimeout()));
        CompletableFuture<CommandResult> answer = new CompletableFuture<>();
        ensureType(arrival)
                .thenCompose(ready -> handoff.adopt(arrival.snapshot()).settled())
                // On the worker: settling may stop the agent and wait for it, never on the agent's own thread.
                .whenCompleteAsync((agent, failure) -> answer.complete(settle(arrival, agent, failure)), worker);
        return answer;
    }

    /** Confirms a move, or undoes what it left here and refuses it. */
    private CommandResult settle(Arrival arrival, AgentInfo agent, Throwable failure) {
        String name = arrival.snapshot().name();
        long epoch = arrival.snapshot().epoch();
        String problem = null;
        if (failure != null) {
            problem = rootMessage(failure);
        } else if (agent.state() != AgentState.RUNNING) {
            problem = "agent " + name + " did not start here: " + agents.info(name).map(d -> d.detail()).orElse(agent.state().wireName());
        } else if (calledOff.getOrDefault(name, -1L) >= epoch) {
            problem = "node " + arrival.from() + " called the move off";
        }
        if (problem == null) {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("agent", name);
            reply.put("state", agent.state().wireName());
            reply.put("epoch", epoch);
            return new CommandResult(topics.node(), true, null, reply);
        }
        tasks.abandon(name);
        if (handoff.epoch(name).orElse(-1) == epoch) {
            agents.remove(name, true); // the copy started for this move, and the state it brought
        }
        return refused(name, problem);
    }

    /** Completes when the agent's type is available here, installing its bundle if need be. */
    private CompletionStage<Void> ensureType(Arrival arrival) {
        SpawnConfig config = arrival.snapshot().config();
        if (agents.types().contains(config.type())) {
            return CompletableFuture.completedFuture(null);
        }
        CodeSource source = arrival.code();
        if (source == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + topics.node() + " has no agent type '"
                    + config.type() + "', and node " + arrival.from() + " named no bundle for it"));
        }
        return code.install(source.location(), source.sha256())
                .exceptionallyCompose(failure -> installSentCode(arrival, source, rootMessage(failure)))
                .thenCompose(installed -> agents.awaitType(config.type(), config.installTimeout()));
    }

    private CompletionStage<Void> installSentCode(Arrival arrival, CodeSource source, String whyNotFromLocation) {
        if (!settings.acceptCode()) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot install " + source.location() + " ("
                    + whyNotFromLocation + "), and node " + topics.node() + " takes no code from other nodes (accept.code)"));
        }
        if (source.sha256() == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot install " + source.location() + " ("
                    + whyNotFromLocation + "), and node " + arrival.from() + " sent no sha256 to check its bytes against"));
        }
        String vouched = vouchFor(arrival);
        if (vouched != null) {
            return CompletableFuture.failedFuture(new SecurityException("cannot install " + source.location() + " ("
                    + whyNotFromLocation + "), and takes no code from node " + arrival.from() + ": " + vouched));
        }
        LOG.info("Cannot install {} here ({}); fetching its {} bytes from node {}", source.location(), whyNotFromLocation,
                source.size(), arrival.from());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("agent", arrival.snapshot().name());
        request.put("type", arrival.snapshot().config().type());
        request.put("sha256", source.sha256());
        return commands.request(arrival.from(), "code_request", request, settings.codeTimeout())
                .thenCompose(reply -> {
                    if (!Boolean.TRUE.equals(reply.get("success")) || !(reply.get("data") instanceof String data)) {
                        throw new IllegalStateException("node " + arrival.from() + " did not send the bundle of type '"
                                + arrival.snapshot().config().type() + "': " + reply.get("error"));
                    }
                    return code.install(source.location(), Base64.getDecoder().decode(data), source.sha256());
                });
    }

    /**
     * Why this node does not believe that the sender of shipped code is the node the agent comes from,
     * or null when it does. In {@code signed} mode the offer, and the sha256 in it, carry the source
     * node's signature; in {@code open} mode anyone could have sent it, so code is taken only from an
     * online node that this node's fleet registry says runs the agent, in either mode.
     */
    private String vouchFor(Arrival arrival) {
        String from = arrival.from();
        String name = arrival.snapshot().name();
        if (registry.node(from).map(details -> !details.info().online()).orElse(true)) {
            return "it is not an online node of the fleet registry";
        }
        if (!registry.nodeOf(name).map(from::equals).orElse(false)) {
            return "the fleet registry does not know it to run agent " + name;
        }
        return null;
    }

    /** The sender called a move off: drop any copy it started here, and refuse it should it still arrive. */
    private CompletionStage<CommandResult> abort(Map<String, Object> message) {
        String name;
        long epoch;
        try {
            name = WireJson.text(message, "name");
            epoch = WireJson.count(message, "epoch");
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException("document", e.getMessage());
        }
        Object from = message.get("from_node");
        forgetOldArrivals();
        Arriving move = arriving.get(name);
        if (move == null || move.epoch() != epoch || !move.from().equals(from)) {
            // Whoever sent it, it is not about a copy this node started for a move: nothing here ends,
            // and nothing is remembered of it.
            throw new InvalidCommandException("epoch", "calls off no move into node " + topics.node() + " (agent " + name
                    + ", epoch " + epoch + ", from node " + from + "): ignored");
        }
        // Should the copy still be on its way in, it is refused when it settles.
        calledOff.merge(name, epoch, Math::max);
        arriving.remove(name, move);
        LOG.info("Node {} called the move of agent {} (epoch {}) off: {}", from, name, epoch, message.get("reason"));
        tasks.abandon(name);
        handoff.discardStale(name, epoch + 1);
        return CompletableFuture.completedFuture(new CommandResult(topics.node(), true, null, Map.of("agent", name)));
    }

    /** A move into this node: which copy it started, from where, and when. */
    private record Arriving(long epoch, String from, Instant at) {
    }

    /** Forgets moves too old to be called off: their source stopped waiting long ago. */
    private void forgetOldArrivals() {
        Instant oldest = Instant.now().minus(settings.confirmTimeout().plus(settings.cutoverTimeout()).plus(ABORT_GRACE));
        arriving.values().removeIf(move -> move.at().isBefore(oldest));
    }

    private CompletionStage<CommandResult> refuse(Object name, String error) {
        return CompletableFuture.completedFuture(refused(name, error));
    }

    private CommandResult refused(Object name, String error) {
        LOG.warn("Refused agent {} moving here: {}", name, error);
        return new CommandResult(topics.node(), false, error, Map.of("agent", String.valueOf(name)));
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** What a {@code migrate_in} message carries. */
    record Arrival(AgentSnapshot snapshot, String from, CodeSource code) {

        @SuppressWarnings("unchecked")
        static Arrival of(Map<String, Object> offer) {
            String from = WireJson.text(offer, "from_node");
            long epoch = WireJson.count(offer, "epoch");
            String actorId = WireJson.text(offer, "actor_id");
            if (!(offer.get("config") instanceof Map<?, ?> config)) {
                throw new IllegalArgumentException("'config' must be a spawn config object");
            }
            Object state = offer.getOrDefault("state", Map.of());
            if (!(state instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("'state' must be an object");
            }
            SpawnConfig spawn;
            try {
                spawn = SpawnConfig.fromMap((Map<String, ?>) config);
            } catch (InvalidSpawnConfigException e) {
                throw new IllegalArgumentException("invalid config: " + e.getMessage(), e);
            }
            return new Arrival(new AgentSnapshot(spawn, actorId, epoch, (Map<String, Object>) state), from,
                    CodeOffer.fromMap(offer.get("code")));
        }
    }
}
