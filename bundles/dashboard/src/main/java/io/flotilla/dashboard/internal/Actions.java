package io.flotilla.dashboard.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.flotilla.api.AskException;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.Migrations;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;

/**
 * What the page can do, through the services the shell's commands use ({@code agent:spawn},
 * {@code agent:stop}, {@code agent:restart}, {@code agent:migrate}, {@code agent:send}): the same
 * checks, placement, signing and results. Each completes with a line for the page or fails with
 * an exception whose message says why.
 */
final class Actions {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AgentManager agents;
    private final FleetControl fleet;
    private final Migrations migrations;
    private final SpawnConfigReader reader;
    private final FleetModel model;
    private final String self;

    Actions(AgentManager agents, FleetControl fleet, Migrations migrations, SpawnConfigReader reader, FleetModel model,
            String self) {
        this.agents = agents;
        this.fleet = fleet;
        this.migrations = migrations;
        this.reader = reader;
        this.model = model;
        this.self = self;
    }

    /** Spawns the spawn document {@code json} where placement puts it, as {@code agent:spawn --file} does. */
    CompletionStage<String> spawn(byte[] json) {
        SpawnConfig config = reader.read(json);
        String target = fleet.place(config);
        return fleet.spawn(config, TIMEOUT).thenApply(result -> done(result,
                "Spawned " + config.name() + " (" + config.type() + ") on " + target));
    }

    CompletionStage<String> stop(String name) {
        String node = nodeOf(name);
        return fleet.stop(node, name, false, TIMEOUT).thenApply(result -> done(result, "Stopped " + name + " on " + node));
    }

    CompletionStage<String> restart(String name) {
        String node = nodeOf(name);
        if (!self.equals(node)) {
            throw new IllegalArgumentException(name + " runs on node " + node + ": restart it from that node's dashboard or shell");
        }
        if (!agents.restart(name)) {
            throw new IllegalArgumentException("no agent named " + name);
        }
        return CompletableFuture.completedFuture("Restarted " + name);
    }

    CompletionStage<String> migrate(String name, String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("pick the node to move " + name + " to");
        }
        return migrations.migrate(name, target, TIMEOUT).thenApply(result -> {
            if (!result.success()) {
                throw new IllegalStateException(result.error());
            }
            return "Moved " + name + " from " + result.fromNode() + " to " + result.toNode() + " in " + result.durationMs() + " ms";
        });
    }

    /** Asks agent {@code name}; the reply (or why there is none) is the result. */
    CompletionStage<Map<String, Object>> send(String name, Object payload) {
        return agents.ask(name, payload, TIMEOUT).handle((reply, failure) -> {
            Map<String, Object> out = new LinkedHashMap<>();
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                out.put("error", cause instanceof AskException ask ? ask.getMessage() : String.valueOf(cause.getMessage()));
            } else {
                out.put("from", reply.from());
                out.put("reply", reply.value());
            }
            return out;
        });
    }

    private String nodeOf(String name) {
        Optional<Object> node = model.agentRow(name).map(row -> row.get("node"));
        if (node.isEmpty()) {
            throw new IllegalArgumentException("no agent named " + name + " in the fleet");
        }
        return (String) node.get();
    }

    private static String done(CommandResult result, String line) {
        if (!result.success()) {
            throw new IllegalStateException(result.error());
        }
        return line;
    }
}
