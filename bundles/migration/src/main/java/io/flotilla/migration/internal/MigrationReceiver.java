package io.flotilla.migration.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.flotilla.api.Subscription;
import io.flotilla.runtime.AgentCode;
import io.flotilla.runtime.AgentCode.CodeSource;
import io.flotilla.runtime.AgentHandoff;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.AgentSnapshot;
import io.flotilla.runtime.DaemonThreads;
import io.flotilla.runtime.FleetLink;
import io.flotilla.runtime.FleetRequests;
import io.flotilla.runtime.FleetTopics;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.TaskHandoff;

/**
 * Takes in agents that move here, on {@code nodes/{n}/migrate_in}: installs their type if this node
 * lacks it (from the bundle's location, else from bytes fetched from the sending node), starts the
 * agent with its state and epoch, and confirms, or refuses with the reason. A
 * {@code nodes/{n}/migrate_abort} from the sender calls a move off: a copy started for it is
 * discarded, and an offer that arrives after the abort is refused.
 */
@Component(immediate = true, configurationPid = MigrationConfig.PID)
public final class MigrationReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationReceiver.class);

    private final MigrationSettings settings;
    private final AgentManager agents;
    private final AgentHandoff handoff;
    private final AgentCode code;
    private final TaskHandoff tasks;
    private final FleetLink fleet;
    private final FleetRequests requests;
    private final FleetTopics topics;
    private final WireJson json = new WireJson();
    private final Map<String, Long> calledOff = new ConcurrentHashMap<>();
    private final ExecutorService worker;
    private final List<Subscription> subscriptions = new ArrayList<>();

    @Activate
    public MigrationReceiver(MigrationConfig config, @Reference AgentManager agents, @Reference AgentHandoff handoff,
            @Reference AgentCode code, @Reference TaskHandoff tasks, @Reference FleetLink fleet,
            @Reference FleetRequests requests) {
        this.settings = MigrationSettings.from(config);
        this.agents = agents;
        this.handoff = handoff;
        this.code = code;
        this.tasks = tasks;
        this.fleet = fleet;
        this.requests = requests;
        this.topics = fleet.topics();
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named("flotilla-migration-in"));
        subscriptions.add(fleet.subscribeDurable(topics.own("migrate_in"), (topic, payload, retained) -> onWorker(() -> arrive(payload))));
        subscriptions.add(fleet.subscribeDurable(topics.own("migrate_abort"), (topic, payload, retained) -> onWorker(() -> abort(payload))));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        subscriptions.forEach(Subscription::close);
        worker.shutdown();
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }

    private void onWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Migration message arrived while the node stops; its session keeps it");
        }
    }

    /** An agent offered to this node. */
    private void arrive(byte[] payload) {
        Map<String, Object> offer;
        try {
            offer = json.object(payload, settings.maxBytes());
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a migration offer: {}", e.getMessage());
            return;
        }
        String replyTo = offer.get("reply_to") instanceof String topic ? topic : null;
        Object requestId = offer.get("request_id");
        Arrival arrival;
        try {
            arrival = Arrival.of(offer);
        } catch (IllegalArgumentException e) {
            refuse(replyTo, requestId, offer.get("name"), e.getMessage());
            return;
        }
        String name = arrival.snapshot().name();
        if (calledOff.getOrDefault(name, -1L) >= arrival.snapshot().epoch()) {
            refuse(replyTo, requestId, name, "node " + arrival.from() + " called the move of " + name + " at epoch "
                    + arrival.snapshot().epoch() + " off before it arrived");
            return;
        }
        AgentInfo here = agents.find(name).orElse(null);
        if (here != null && !here.state().isTerminal()) {
            refuse(replyTo, requestId, name, "an agent named " + name + " already runs on node " + topics.node());
            return;
        }
        LOG.info("Agent {} moving here from node {} (epoch {})", name, arrival.from(), arrival.snapshot().epoch());
        // The task stream is the source's until its marker: set before the agent can take a message.
        tasks.expect(name, arrival.snapshot().epoch(), arrival.from(), settings.confirmTimeout().plus(settings.cutoverTimeout()));
        ensureType(arrival)
                .thenCompose(ready -> handoff.adopt(arrival.snapshot()).settled())
                // On the worker: settling may stop the agent and wait for it, never on the agent's own thread.
                .whenCompleteAsync((agent, failure) -> settle(arrival, replyTo, requestId, agent, failure), worker);
    }

    /** Confirms a move, or undoes what it left here and refuses it. */
    private void settle(Arrival arrival, String replyTo, Object requestId, AgentInfo agent, Throwable failure) {
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
            reply.put("state", agent.state().wireName());
            reply.put("epoch", epoch);
            answer(replyTo, requestId, name, true, reply, null);
            return;
        }
        tasks.abandon(name);
        if (handoff.epoch(name).orElse(-1) == epoch) {
            agents.remove(name, true); // the copy started for this move, and the state it brought
        }
        refuse(replyTo, requestId, name, problem);
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
        LOG.info("Cannot install {} here ({}); fetching its {} bytes from node {}", source.location(), whyNotFromLocation,
                source.size(), arrival.from());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", arrival.snapshot().config().type());
        request.put("sha256", source.sha256());
        return requests.request(topics.ofNode(arrival.from(), "code_request"), request, "reply_to", settings.codeTimeout())
                .thenCompose(reply -> {
                    if (!Boolean.TRUE.equals(reply.get("success")) || !(reply.get("data") instanceof String data)) {
                        throw new IllegalStateException("node " + arrival.from() + " did not send the bundle of type '"
                                + arrival.snapshot().config().type() + "': " + reply.get("error"));
                    }
                    return code.install(source.location(), Base64.getDecoder().decode(data), source.sha256());
                });
    }

    /** The sender called a move off: drop any copy it started here, and refuse it should it still arrive. */
    private void abort(byte[] payload) {
        try {
            Map<String, Object> message = json.object(payload, 64 * 1024);
            String name = WireJson.text(message, "name");
            long epoch = WireJson.count(message, "epoch");
            calledOff.merge(name, epoch, Math::max);
            LOG.info("Node {} called the move of agent {} (epoch {}) off: {}", message.get("from_node"), name, epoch,
                    message.get("reason"));
            tasks.abandon(name);
            handoff.discardStale(name, epoch + 1);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a migration abort: {}", e.getMessage());
        }
    }

    private void refuse(String replyTo, Object requestId, Object name, String error) {
        LOG.warn("Refused agent {} moving here: {}", name, error);
        answer(replyTo, requestId, name, false, Map.of(), error);
    }

    private void answer(String replyTo, Object requestId, Object name, boolean success, Map<String, Object> fields,
            String error) {
        if (replyTo == null) {
            return;
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        if (requestId != null) {
            reply.put("request_id", requestId);
        }
        reply.put("node", topics.node());
        reply.put("agent", name);
        reply.put("success", success);
        reply.putAll(fields);
        if (error != null) {
            reply.put("error", error);
        }
        fleet.publish(replyTo, reply, false);
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
