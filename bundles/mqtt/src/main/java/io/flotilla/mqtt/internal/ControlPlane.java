package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.Subscription;
import io.flotilla.mqtt.internal.Wire.MalformedPayload;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.DaemonThreads;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.Migrations;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.runtime.FleetTopics;

/**
 * The node's command topics: {@code nodes/{n}/spawn}, {@code stop}, {@code stop_all}, {@code list},
 * {@code desired_state}, {@code ping} and {@code migrate}. Commands run one at a time, in arrival order, on a thread of their own:
 * the MQTT delivery thread only hands them over. A command carrying {@code request_id} or
 * {@code reply_to} gets exactly one result; a replayed {@code request_id} runs once; whatever fails
 * is also reported on {@code nodes/{n}/errors}; a retained command is cleared once handled.
 */
@Component(immediate = true)
public final class ControlPlane {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final List<String> COMMANDS = List.of("spawn", "stop", "stop_all", "list", "desired_state", "ping",
            "migrate");
    private static final Duration MIGRATE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SPAWN_RECLEAR_DELAY = Duration.ofSeconds(1);

    private final BundleContext context;
    private final FleetConnection fleet;
    private final AgentManager agents;
    private final SpawnConfigReader reader;
    private final FleetTopics topics;
    private final Wire wire = new Wire(Clock.systemUTC());
    private final RecentRequests recent = new RecentRequests(4096);
    private final DesiredState desired;
    private final ScheduledThreadPoolExecutor commands;
    /** The second clear of the spawn topic, pending; touched only on the command thread. */
    private ScheduledFuture<?> spawnRecheck;
    private final List<Subscription> subscriptions = new ArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Migrations migrations;

    @Activate
    public ControlPlane(BundleContext context, @Reference FleetConnection fleet, @Reference AgentManager agents,
            @Reference SpawnConfigReader reader, @Reference NodeIdentity node) {
        this.context = context;
        this.fleet = fleet;
        this.agents = agents;
        this.reader = reader;
        this.topics = fleet.topics();
        this.desired = new DesiredState(node.dataDirectory().resolve("mqtt").resolve("desired-state.json"));
        this.commands = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("flotilla-commands"));
        commands.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        for (String kind : COMMANDS) {
            subscriptions.add(fleet.subscribeDurable(topics.own(kind),
                    (topic, payload, retained) -> accept(kind, topic, payload, retained)));
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        subscriptions.forEach(Subscription::close);
        commands.shutdown();
        if (!commands.awaitTermination(15, TimeUnit.SECONDS)) {
            commands.shutdownNow();
        }
    }

    /** On the MQTT delivery thread: checks the size and hands over, nothing more. */
    private void accept(String kind, String topic, byte[] payload, boolean retained) {
        if (payload.length == 0) {
            // An empty retained message clears a topic; for desired_state it means "no desired state".
            if ("desired_state".equals(kind)) {
                execute(() -> reconcile(List.of(), null));
            }
            return;
        }
        int limit = "spawn".equals(kind) ? reader.maxDocumentBytes() : fleet.maxCommandBytes();
        if (payload.length > limit) {
            execute(() -> {
                reportError(kind, topic, null, "document", "payload is " + payload.length
                        + " bytes, over the limit of " + limit + " bytes");
                clearHandled(kind, topic, retained);
            });
            return;
        }
        execute(() -> handle(kind, topic, payload, retained));
    }

    private void execute(Runnable task) {
        try {
            commands.execute(task);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Command arrived while the node stops; its broker session keeps it");
        }
    }

    private void handle(String kind, String topic, byte[] payload, boolean retained) {
        Command command;
        try {
            command = Command.of(kind, topic, wire.object(payload), retained);
        } catch (MalformedPayload e) {
            reportError(kind, topic, null, null, e.getMessage());
            clearHandled(kind, topic, retained);
            return;
        }
        try {
            if (command.requestId() != null && !recent.firstTime(kind + ":" + command.requestId())) {
                LOG.debug("{} request {} already handled; ignoring the repeat", kind, command.requestId());
                return;
            }
            switch (kind) {
                case "spawn" -> spawn(command);
                case "stop" -> stop(command);
                case "stop_all" -> stopAll(command);
                case "list" -> list(command);
                case "desired_state" -> desiredState(command);
                case "ping" -> result(command, true, Map.of("pong", true), null);
                case "migrate" -> migrate(command);
                default -> throw new IllegalStateException("no handler for " + kind);
            }
        } catch (InvalidSpawnConfigException e) {
            fail(command, e.field(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} command on {} failed", kind, topic, e);
            fail(command, null, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            clearHandled(kind, topic, retained);
        }
    }

    // ---------------------------------------------------------------- commands

    private void spawn(Command command) {
        SpawnConfig config = forThisNode(SpawnConfig.fromMap(command.body()));
        if (config.replace() && runsAs(config)) {
            result(command, true, agentFields(agents.find(config.name()).orElseThrow(), "already_running"), null);
            return;
        }
        SpawnResult result = agents.spawn(config);
        String outcome = result.outcome().name().toLowerCase();
        result.settled().whenComplete((agent, failure) -> {
            AgentInfo now = agent != null ? agent : result.agent();
            if (failure == null && now.state() != AgentState.FAILED) {
                result(command, true, agentFields(now, outcome), null);
            } else {
                String why = agents.info(now.name()).map(AgentDetails::detail).orElse(String.valueOf(failure));
                String error = "agent " + now.name() + " failed: " + why;
                reportError(command.kind(), command.topic(), command.requestId(), null, error);
                result(command, false, agentFields(now, outcome), error);
            }
        });
    }

    private void stop(Command command) {
        String name = agentName(command.body().get("name"));
        boolean delete = Boolean.TRUE.equals(command.body().get("delete"));
        boolean found = delete ? agents.remove(name, true) : agents.stop(name);
        if (!found) {
            fail(command, "name", "no agent named " + name + " on node " + topics.node());
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("agent", name);
        fields.put("deleted", delete);
        result(command, true, fields, null);
    }

    private void stopAll(Command command) {
        List<String> stopped = new ArrayList<>();
        for (AgentInfo agent : agents.list()) {
            if (!agent.state().isTerminal()) {
                try {
                    agents.stop(agent.name());
                    stopped.add(agent.name());
                } catch (RuntimeException e) {
                    reportError("stop_all", command.topic(), command.requestId(), "name", e.getMessage());
                }
            }
        }
        result(command, true, Map.of("stopped", stopped), null);
        LOG.info("stop_all: stopped {} agents; node {} shuts down", stopped.size(), topics.node());
        // Stopping the framework deactivates this component: do it from a thread of its own.
        Thread shutdown = new Thread(() -> {
            try {
                context.getBundle(0).stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.error("stop_all could not shut the node down", e);
            }
        }, "flotilla-stop-all");
        shutdown.start();
    }

    private void list(Command command) {
        Map<String, Object> payload = new LinkedHashMap<>();
        if (command.requestId() != null) {
            payload.put("request_id", command.requestId());
        }
        payload.put("node", topics.node());
        List<Map<String, Object>> entries = new ArrayList<>();
        for (AgentInfo agent : agents.list()) {
            entries.add(agentFields(agent, null));
        }
        payload.put("agents", entries);
        payload.put("agent_count", entries.size());
        payload.put("timestamp", wire.now());
        fleet.publish(topics.own("agents"), payload, false);
        if (command.replyTo() != null) {
            payload.put("success", true);
            fleet.publish(command.replyTo(), payload, false);
        }
    }

    /**
     * Moves an agent to {@code target_node}; the result, once the target confirmed or the move failed,
     * goes to {@code nodes/{n}/migrate_result} (and to {@code reply_to}, when given).
     */
    private void migrate(Command command) {
        Migrations mover = migrations;
        if (mover == null) {
            fail(command, null, "node " + topics.node() + " cannot move agents: the flotilla-migration feature is not installed");
            return;
        }
        String name = agentName(command.body().get("name"));
        Object target = command.body().get("target_node");
        if (!(target instanceof String node) || !SpawnConfig.NAME.matcher(node).matches()) {
            throw new InvalidSpawnConfigException("target_node", target == null ? "is required" : "must be a node name");
        }
        mover.migrate(name, node, MIGRATE_TIMEOUT).whenComplete((moved, failure) -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("agent", name);
            fields.put("from_node", failure == null ? moved.fromNode() : topics.node());
            fields.put("to_node", node);
            fields.put("duration_ms", failure == null ? moved.durationMs() : 0);
            String error = failure != null ? String.valueOf(failure.getMessage()) : moved.error();
            if (error != null) {
                reportError("migrate", command.topic(), command.requestId(), null, error);
            }
            result(command, error == null, fields, error);
        });
    }

    private void desiredState(Command command) {
        Object listed = command.body().get("agents");
        if (!(listed instanceof List<?> entries)) {
            throw new InvalidSpawnConfigException("agents", "must be a list of spawn configs");
        }
        List<SpawnConfig> wanted = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            try {
                if (!(entry instanceof Map<?, ?> map)) {
                    throw new InvalidSpawnConfigException("agents[" + i + "]", "must be a spawn config object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> document = (Map<String, Object>) map;
                wanted.add(forThisNode(SpawnConfig.fromMap(document)));
            } catch (InvalidSpawnConfigException e) {
                reportError("desired_state", command.topic(), command.requestId(), "agents[" + i + "]." + e.field(),
                        e.getMessage());
            }
        }
        reconcile(wanted, command);
    }

    /**
     * Makes this node run exactly the desired agents: missing or stopped ones are spawned, changed ones
     * replaced, ones an earlier desired state brought and this one no longer lists are removed. Agents
     * from anywhere else (shell, deploy/, spawn commands) are left alone, and so are desired agents
     * that migrated to another node: spawning them here would run them twice.
     */
    private void reconcile(List<SpawnConfig> wanted, Command command) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List.of("spawned", "replaced", "unchanged", "removed", "departed").forEach(outcome -> counts.put(outcome, 0));
        Set<String> names = new LinkedHashSet<>();
        for (SpawnConfig config : wanted) {
            names.add(config.name());
            Optional<AgentDetails> current = agents.info(config.name());
            String outcome;
            if (current.isEmpty() || current.get().info().state().isTerminal()) {
                outcome = declare(config, "spawned");
            } else if (!sameConfig(current.get().config(), config)) {
                outcome = declare(config.with(Map.of("replace", true)), "replaced");
            } else {
                outcome = "unchanged";
            }
            counts.merge(outcome, 1, Integer::sum);
        }
        for (String managed : desired.load()) {
            if (!names.contains(managed) && agents.remove(managed, false)) {
                counts.merge("removed", 1, Integer::sum);
            }
        }
        try {
            desired.save(names);
        } catch (IOException e) {
            LOG.error("Could not save the desired state's agents to {}: {}", desired.file(), e.getMessage());
        }
        LOG.info("Desired state reconciled: {}", counts);
        if (command != null) {
            result(command, true, new LinkedHashMap<>(counts), null);
        }
    }

    /** Spawns a desired agent, unless it migrated away; says which. */
    private String declare(SpawnConfig config, String outcome) {
        SpawnResult result = agents.spawnDeclared(config);
        if (result.outcome() != SpawnResult.Outcome.DEPARTED) {
            return outcome;
        }
        LOG.info("Desired agent {} moved to node {}; not spawned here again", config.name(), result.agent().node());
        return "departed";
    }

    // ---------------------------------------------------------------- helpers

    private SpawnConfig forThisNode(SpawnConfig config) {
        config.node().filter(node -> !node.equals(topics.node())).ifPresent(node -> {
            throw new InvalidSpawnConfigException("node", "names node " + node + ", but the command came to node " + topics.node());
        });
        return config;
    }

    private boolean runsAs(SpawnConfig config) {
        return agents.info(config.name())
                .filter(d -> !d.info().state().isTerminal() && sameConfig(d.config(), config)).isPresent();
    }

    private static boolean sameConfig(SpawnConfig running, SpawnConfig wanted) {
        Map<String, Object> a = running.toMap();
        Map<String, Object> b = wanted.toMap();
        a.remove("replace");
        b.remove("replace");
        return a.equals(b);
    }

    private static String agentName(Object value) {
        if (!(value instanceof String name)) {
            throw new InvalidSpawnConfigException("name", value == null ? "is required" : "must be text");
        }
        if (!SpawnConfig.NAME.matcher(name).matches()) {
            throw new InvalidSpawnConfigException("name", "must be 1 to 64 of A-Z a-z 0-9 . _ - and not start with '.', got '"
                    + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "'");
        }
        return name;
    }

    private Map<String, Object> agentFields(AgentInfo agent, String outcome) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", agent.name());
        fields.put("agent", agent.name());
        fields.put("actor_id", agent.actorId());
        fields.put("type", agent.type());
        fields.put("node", agent.node());
        fields.put("state", agent.state().wireName());
        fields.put("restart_count", agent.restartCount());
        fields.put("epoch", agent.epoch());
        if (outcome != null) {
            fields.put("outcome", outcome);
        }
        return fields;
    }

    /** Reports a failure on nodes/{n}/errors, then gives it as the command's result. */
    private void fail(Command command, String field, String error) {
        reportError(command.kind(), command.topic(), command.requestId(), field, error);
        result(command, false, field == null ? Map.of() : Map.of("field", field), error);
    }

    /**
     * The one result of a command that asked for one (request_id or reply_to). A migration's result
     * always goes to {@code migrate_result} as well, where watchers of the fleet see every move end.
     */
    private void result(Command command, boolean success, Map<String, Object> fields, String error) {
        boolean migrate = "migrate".equals(command.kind());
        if (!command.wantsResult() && !migrate) {
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (command.requestId() != null) {
            result.put("request_id", command.requestId());
        }
        result.put("command", command.kind());
        result.put("node", topics.node());
        result.put("success", success);
        result.putAll(fields);
        if (error != null) {
            result.put("error", error);
        }
        result.put("timestamp", wire.now());
        if (migrate) {
            fleet.publish(topics.own("migrate_result"), result, false);
        }
        if (command.replyTo() != null) {
            fleet.publish(command.replyTo(), result, false);
        } else if (!migrate) {
            fleet.publish(topics.own("results"), result, false);
        }
    }

    private void reportError(String kind, String topic, String requestId, String field, String error) {
        LOG.warn("{} command on {} refused: {}", kind, topic, error);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("node", topics.node());
        report.put("command", kind);
        report.put("topic", topic);
        if (requestId != null) {
            report.put("request_id", requestId);
        }
        if (field != null) {
            report.put("field", field);
        }
        report.put("error", error);
        report.put("timestamp", wire.now());
        fleet.publish(topics.own("errors"), report, false);
    }

    /**
     * Clears a handled command's retained copy. A subscriber already listening gets a retained
     * message without the retain flag, so the node cannot tell: like the Wactorz runner, it clears
     * the spawn topic after every spawn, and other topics when the message came retained.
     */
    private void clearHandled(String kind, String topic, boolean retained) {
        if (retained || "spawn".equals(kind)) {
            fleet.publish(topic, new byte[0], true);
        }
        if ("spawn".equals(kind) && spawnRecheck == null) {
            // Artemis hands a retained message to subscribers before it stores the retained copy
            // (two steps of one transaction); if its thread stalls between them, the clear above
            // comes first and the spawn stays retained. Clearing once more, well after, closes that.
            try {
                spawnRecheck = commands.schedule(() -> {
                    spawnRecheck = null;
                    fleet.publish(topic, new byte[0], true);
                }, SPAWN_RECLEAR_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                LOG.debug("Node stops; the spawn topic is not cleared a second time");
            }
        }
    }

    /** The agents the last desired state brought, so that the next one can take them away again. */
    static final class DesiredState {
        private final Path file;
        private final Wire wire = new Wire(Clock.systemUTC());

        DesiredState(Path file) {
            this.file = file;
        }

        Path file() {
            return file;
        }

        Set<String> load() {
            try {
                if (!java.nio.file.Files.exists(file)) {
                    return Set.of();
                }
                Object names = wire.object(java.nio.file.Files.readAllBytes(file)).get("agents");
                Set<String> loaded = new LinkedHashSet<>();
                if (names instanceof List<?> list) {
                    list.forEach(name -> loaded.add(String.valueOf(name)));
                }
                return loaded;
            } catch (IOException | MalformedPayload e) {
                LOG.error("Could not read {} ({}); agents of an earlier desired state are kept", file, e.getMessage());
                return Set.of();
            }
        }

        void save(Set<String> names) throws IOException {
            io.flotilla.runtime.AtomicFiles.write(file, wire.encode(Map.of("agents", List.copyOf(names))));
        }
    }
}
