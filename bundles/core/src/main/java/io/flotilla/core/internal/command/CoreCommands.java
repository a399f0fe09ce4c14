package io.flotilla.core.internal.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.core.internal.declare.DeclarationSource;
import io.flotilla.core.internal.declare.Declarations;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.CommandApprovals;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.InvalidCommandException;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;

/**
 * The commands the node itself answers: {@code spawn}, {@code stop}, {@code restart},
 * {@code stop_all}, {@code list}, {@code ping}, {@code desired_state}, and {@code declare} and
 * {@code undeclare} for the files in {@code deploy/}. Each
 * checks its own fields through the gate, then acts on the agent engine or the declarations.
 * Runs on the intake's thread.
 */
final class CoreCommands {

    static final List<String> KINDS = List.of("spawn", "stop", "restart", "stop_all", "list", "ping", "desired_state",
            "declare", "undeclare");

    private static final Logger LOG = LoggerFactory.getLogger(CoreCommands.class);

    /** What a command did, and what must happen only once its result is out. */
    record Handled(CompletionStage<CommandResult> result, Runnable afterwards) {
        static Handled of(CompletionStage<CommandResult> result) {
            return new Handled(result, null);
        }
    }

    private final CommandGate gate;
    private final AgentSystem agents;
    private final Declarations declarations;
    private final Runnable shutdown;
    private final Supplier<List<CommandApprovals.PendingCommand>> pending;

    /**
     * @param agents       the agent engine, past the gate
     * @param declarations the node's declared agents
     * @param shutdown     stops the node, after {@code stop_all}
     */
    CoreCommands(CommandGate gate, AgentSystem agents, Declarations declarations, Runnable shutdown,
            Supplier<List<CommandApprovals.PendingCommand>> pending) {
        this.gate = gate;
        this.pending = pending;
        this.agents = agents;
        this.declarations = declarations;
        this.shutdown = shutdown;
    }

    Handled handle(String kind, Map<String, Object> body, CommandOrigin origin) {
        return switch (kind) {
            case "spawn" -> Handled.of(spawn(body));
            case "stop" -> Handled.of(stop(body));
            case "restart" -> Handled.of(restart(body));
            case "stop_all" -> stopAll(body, origin);
            case "list" -> Handled.of(done(true, list(), null));
            case "ping" -> Handled.of(done(true, Map.of("pong", true), null));
            case "desired_state" -> Handled.of(desiredState(body));
            case "declare" -> Handled.of(declare(List.of(gate.spawnConfig(body)), origin));
            case "undeclare" -> Handled.of(declare(List.of(), origin));
            default -> throw new IllegalStateException("no core command " + kind);
        };
    }

    private CompletionStage<CommandResult> spawn(Map<String, Object> body) {
        SpawnConfig config = gate.spawnConfig(body);
        if (config.replace() && runsAs(config)) {
            return done(true, agentFields(agents.find(config.name()).orElseThrow(), "already_running"), null);
        }
        SpawnResult result = agents.spawn(config);
        String outcome = result.outcome().name().toLowerCase();
        // The result waits for the agent's events to reach their listeners: once the sender hears that
        // the agent runs, the node is subscribed to its tasks.
        return result.settled().handle((agent, failure) -> {
            AgentInfo now = agent != null ? agent : result.agent();
            if (failure == null && now.state() != AgentState.FAILED) {
                return result(true, agentFields(now, outcome), null);
            }
            String why = agents.info(now.name()).map(AgentDetails::detail).orElse(String.valueOf(failure));
            return result(false, agentFields(now, outcome), "agent " + now.name() + " failed: " + why);
        }).thenCompose(done -> agents.eventsDelivered().thenApply(delivered -> done));
    }

    private CompletionStage<CommandResult> stop(Map<String, Object> body) {
        String name = CommandGate.agentName("name", body.get("name"));
        boolean delete = Boolean.TRUE.equals(body.get("delete"));
        boolean found = delete ? agents.remove(name, true) : agents.stop(name);
        if (!found) {
            return done(false, Map.of("field", "name"), "no agent named " + name + " on node " + gate.node());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("agent", name);
        fields.put("deleted", delete);
        return done(true, fields, null);
    }

    private CompletionStage<CommandResult> restart(Map<String, Object> body) {
        String name = CommandGate.agentName("name", body.get("name"));
        if (!agents.restart(name)) {
            return done(false, Map.of("field", "name"), "no agent named " + name + " on node " + gate.node());
        }
        return done(true, Map.of("agent", name), null);
    }

    /**
     * Stops every agent; the node shuts down once the result is out. Only on an explicit
     * {@code "confirm": true}, and never from a retained message: a retained stop_all would stop the
     * node again at every start.
     */
    private Handled stopAll(Map<String, Object> body, CommandOrigin origin) {
        if (origin.retained()) {
            throw new InvalidCommandException("document", "is a retained stop_all, which a node never takes: "
                    + "publish it without the retain flag");
        }
        if (!Boolean.TRUE.equals(body.get("confirm"))) {
            throw new InvalidCommandException("confirm", "must be true: stop_all stops every agent, then the node");
        }
        List<String> stopped = new ArrayList<>();
        List<Map<String, Object>> refused = new ArrayList<>();
        for (AgentInfo agent : agents.list()) {
            if (!agent.state().isTerminal()) {
                try {
                    agents.stop(agent.name());
                    stopped.add(agent.name());
                } catch (RuntimeException e) {
                    refused.add(Map.of("field", "name", "error", String.valueOf(e.getMessage())));
                }
            }
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stopped", stopped);
        if (!refused.isEmpty()) {
            fields.put("refused", refused);
        }
        LOG.info("stop_all: stopped {} agents; node {} shuts down", stopped.size(), gate.node());
        // Their last heartbeats go out before the result does, and the node goes down after both.
        return new Handled(agents.eventsDelivered().thenApply(delivered -> result(true, fields, null)), shutdown);
    }

    private static Map<String, Object> pendingFields(CommandApprovals.PendingCommand held) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", held.id());
        fields.put("kind", held.kind());
        fields.put("summary", held.summary());
        fields.put("origin", held.origin());
        fields.put("received", held.received().toEpochMilli() / 1000.0);
        fields.put("expires", held.expires().toEpochMilli() / 1000.0);
        return fields;
    }

    private Map<String, Object> list() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("node", gate.node());
        List<Map<String, Object>> entries = new ArrayList<>();
        for (AgentInfo agent : agents.list()) {
            entries.add(agentFields(agent, null));
        }
        fields.put("agents", entries);
        fields.put("agent_count", entries.size());
        List<Map<String, Object>> held = pending.get().stream().map(CoreCommands::pendingFields).toList();
        if (!held.isEmpty()) {
            fields.put("pending", held); // commands waiting for an operator's approval (agent:approve ID)
        }
        return fields;
    }

    /**
     * {@code {"agents": [config...]}}: what the retained desired state declares. The document is taken
     * whole or not at all: an entry that is not a valid spawn config for this node refuses the whole
     * document (each refused entry named in {@code refused}), and nothing that runs is touched. A
     * partial reconcile would stop the agents of the refused entries, which the sender meant to keep.
     */
    private CompletionStage<CommandResult> desiredState(Map<String, Object> body) {
        Object listed = body.get("agents");
        if (!(listed instanceof List<?> entries)) {
            throw new InvalidCommandException("agents", "must be a list of spawn configs");
        }
        List<SpawnConfig> wanted = new ArrayList<>();
        List<Map<String, Object>> refused = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String field = "agents[" + i + "]";
            try {
                if (!(entries.get(i) instanceof Map<?, ?> map)) {
                    throw new InvalidCommandException(field, "must be a spawn config object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> document = (Map<String, Object>) map;
                wanted.add(gate.spawnConfig(document));
            } catch (InvalidCommandException e) {
                String blamed = e.field().startsWith(field) ? e.field() : field + "." + e.field();
                refused.add(Map.of("field", blamed, "error", e.getMessage()));
            }
        }
        if (!refused.isEmpty()) {
            LOG.warn("Desired state refused, nothing changed: {} of {} entries are invalid", refused.size(), entries.size());
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("refused", refused);
            return done(false, fields, "desired state refused: " + refused.size() + " of " + entries.size()
                    + " entries are invalid (see refused); nothing was changed");
        }
        Map<String, Object> fields = new LinkedHashMap<>(declarations.declare(DeclarationSource.desiredState(), wanted));
        LOG.info("Desired state reconciled: {}", fields);
        return done(true, fields, null);
    }

    /** What a file in {@code deploy/} declares: its spawn config, or nothing once it is gone. */
    private CompletionStage<CommandResult> declare(List<SpawnConfig> wanted, CommandOrigin origin) {
        if (origin.channel() != CommandOrigin.Channel.DEPLOY) {
            throw new InvalidCommandException("document", "only files in deploy/ declare agents this way");
        }
        DeclarationSource source = DeclarationSource.descriptor(Path.of(origin.source()));
        return done(true, new LinkedHashMap<>(declarations.declare(source, wanted)), null);
    }

    private boolean runsAs(SpawnConfig config) {
        return agents.info(config.name()).filter(d -> !d.info().state().isTerminal() && sameConfig(d.config(), config))
                .isPresent();
    }

    private static boolean sameConfig(SpawnConfig running, SpawnConfig wanted) {
        Map<String, Object> a = running.toMap();
        Map<String, Object> b = wanted.toMap();
        a.remove("replace");
        b.remove("replace");
        return a.equals(b);
    }

    static Map<String, Object> agentFields(AgentInfo agent, String outcome) {
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

    private CommandResult result(boolean success, Map<String, Object> fields, String error) {
        return new CommandResult(gate.node(), success, error, fields);
    }

    private CompletionStage<CommandResult> done(boolean success, Map<String, Object> fields, String error) {
        return CompletableFuture.completedFuture(result(success, fields, error));
    }
}
