package io.flotilla.registry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.NodeDetails;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.spi.fleet.FleetCommands;

/**
 * Agents anywhere in the fleet. This node is served by its agent manager; other nodes through their
 * command topics, with the reply on this node's reply topic, signed with the operator key this node
 * was given (the shell's user is the local operator). Placement by capabilities takes the
 * least-loaded online node that has them all.
 */
@Component(service = FleetControl.class)
public final class FleetControlImpl implements FleetControl {

    /** Up to this many online nodes, a failed placement lists them with their capabilities. */
    private static final int LISTED_NODES = 8;

    private final NodeRegistry registry;
    private final FleetCommands commands;
    private final AgentManager agents;
    private final String self;

    @Activate
    public FleetControlImpl(@Reference NodeRegistry registry, @Reference FleetCommands commands,
            @Reference AgentManager agents, @Reference NodeIdentity node) {
        this.registry = registry;
        this.commands = commands;
        this.agents = agents;
        this.self = node.name();
    }

    @Override
    public String place(SpawnConfig config) {
        if (config.node().isPresent()) {
            return config.node().get();
        }
        if (config.requires().isEmpty()) {
            return self;
        }
        List<NodeInfo> fitting = registry.candidates(config.requires());
        if (fitting.isEmpty()) {
            throw new IllegalArgumentException("no online node has all of " + config.requires() + " ("
                    + whoHas(config.requires(), registry.nodes().stream().filter(NodeInfo::online).toList()) + ")");
        }
        return fitting.get(0).name();
    }

    /**
     * What the online nodes have of those capabilities: each node and its capabilities in a small fleet,
     * in a big one how many nodes have each (a list of a thousand nodes helps nobody).
     */
    static String whoHas(List<String> requires, List<NodeInfo> online) {
        if (online.isEmpty()) {
            return "online: none";
        }
        if (online.size() <= LISTED_NODES) {
            return "online: " + online.stream().map(n -> n.name() + " " + n.capabilities()).collect(Collectors.joining(", "));
        }
        return online.size() + " nodes online: " + requires.stream().map(capability -> {
            long having = online.stream().filter(n -> n.capabilities().contains(capability)).count();
            return having == 0 ? "none has " + capability : having + " have " + capability;
        }).collect(Collectors.joining(", "));
    }

    @Override
    public CompletionStage<CommandResult> spawn(SpawnConfig config, Duration timeout) {
        String target = place(config);
        // Names are unique in the fleet: best effort, as far as this node's registry knows the others' agents
        Optional<String> holder = registry.nodeOf(config.name()).filter(node -> !node.equals(target));
        if (holder.isPresent()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("agent " + config.name() + " runs on node "
                    + holder.get() + " already: agent names are unique in the fleet (stop it there, or move it)"));
        }
        if (target.equals(self)) {
            SpawnResult result = agents.spawn(config.with(Map.of("node", self)));
            String outcome = result.outcome().name().toLowerCase();
            return result.settled().thenApply(agent -> {
                String error = agent.state() == AgentState.FAILED
                        ? agents.info(agent.name()).map(AgentDetails::detail).orElse("failed") : null;
                return new CommandResult(self, error == null, error, fields(agent, outcome));
            });
        }
        Map<String, Object> document = config.toMap();
        document.put("node", target);
        return command(target, "spawn", document, timeout).thenApply(result -> {
            if (result.success() && result.fields().get("agent") instanceof String agent) {
                registry.spawnedOn(agent, target);
            }
            return result;
        });
    }

    @Override
    public CompletionStage<List<AgentInfo>> agents(String node, Duration timeout) {
        if (node.equals(self)) {
            return CompletableFuture.completedFuture(agents.list());
        }
        return command(node, "list", Map.of(), timeout).thenApply(result -> {
            List<AgentInfo> listed = new ArrayList<>();
            if (result.fields().get("agents") instanceof List<?> entries) {
                for (Object entry : entries) {
                    if (entry instanceof Map<?, ?> agent) {
                        listed.add(new AgentInfo(String.valueOf(agent.get("name")), String.valueOf(agent.get("actor_id")),
                                String.valueOf(agent.get("type")), node, state(agent.get("state")),
                                agent.get("restart_count") instanceof Number n ? n.intValue() : 0,
                                agent.get("epoch") instanceof Number e ? e.longValue() : 0));
                    }
                }
            }
            return listed;
        });
    }

    @Override
    public CompletionStage<CommandResult> stop(String node, String agent, boolean delete, Duration timeout) {
        if (node.equals(self)) {
            boolean found = delete ? agents.remove(agent, true) : agents.stop(agent);
            return CompletableFuture.completedFuture(new CommandResult(self, found,
                    found ? null : "no agent named " + agent + " on node " + self, Map.of("agent", agent, "deleted", delete)));
        }
        return command(node, "stop", Map.of("name", agent, "delete", delete), timeout);
    }

    @Override
    public CompletionStage<Duration> ping(String node, Duration timeout) {
        long start = System.nanoTime();
        return command(node, "ping", Map.of(), timeout).thenApply(result -> Duration.ofNanos(System.nanoTime() - start));
    }

    /** Sends {@code kind} to {@code node} and turns its one result into a {@link CommandResult}. */
    private CompletionStage<CommandResult> command(String node, String kind, Map<String, Object> body, Duration timeout) {
        Optional<NodeDetails> known = registry.node(node);
        if (known.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no node named " + node + " in the fleet (known: "
                    + registry.nodes().stream().map(NodeInfo::name).collect(Collectors.joining(", ")) + ")"));
        }
        return commands.requestAsOperator(node, kind, body, timeout)
                .handle((reply, failure) -> {
                    if (failure == null) {
                        Object error = reply.get("error");
                        return new CommandResult(node, !Boolean.FALSE.equals(reply.get("success")),
                                error == null ? null : String.valueOf(error), reply);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                        boolean online = registry.node(node).map(d -> d.info().online()).orElse(false);
                        throw new CompletionException(new TimeoutException("no answer from node " + node + " within "
                                + timeout.toMillis() / 1000.0 + " s" + (online ? ""
                                : " (it is offline: the command stays queued for it and runs when it reconnects)")));
                    }
                    throw new CompletionException(cause);
                });
    }

    private static Map<String, Object> fields(AgentInfo agent, String outcome) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("agent", agent.name());
        fields.put("actor_id", agent.actorId());
        fields.put("type", agent.type());
        fields.put("state", agent.state().wireName());
        fields.put("outcome", outcome);
        return fields;
    }

    private static AgentState state(Object wire) {
        try {
            return AgentState.valueOf(String.valueOf(wire).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return AgentState.FAILED;
        }
    }
}
