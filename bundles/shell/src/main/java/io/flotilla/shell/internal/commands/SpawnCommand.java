package io.flotilla.shell.internal.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.shell.internal.completers.AgentTypeCompleter;
import io.flotilla.shell.internal.completers.NodeNameCompleter;

@Service
@Command(scope = "agent", name = "spawn", description = "Spawns an agent from a JSON spawn config file, or from --type and --name.",
        detailedDescription = "Examples:\n"
                + "  agent:spawn examples/temperature-sensor.agent.json\n"
                + "  agent:spawn --type counter --name c1 --set step=2 --field poll_interval=1\n"
                + "Waits until the agent runs or fails, unless --no-wait.")
public class SpawnCommand implements Action {

    private static final long WAIT_SECONDS = 60;

    @Reference
    AgentManager agents;

    @Reference
    SpawnConfigReader reader;

    @Argument(index = 0, name = "file", description = "A JSON spawn config", required = false)
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--type", description = "The agent type")
    @Completion(AgentTypeCompleter.class)
    String type;

    @Option(name = "--name", description = "The agent's name, unique in the fleet")
    String name;

    @Option(name = "--node", description = "The node to run it on (default: this one, or where --requires places it)")
    @Completion(NodeNameCompleter.class)
    String node;

    @Option(name = "--requires", description = "Capabilities the node must have; the least-loaded online node that has them all is chosen",
            multiValued = true)
    List<String> requires;

    @Reference(optional = true)
    FleetControl fleet;

    @Reference(optional = true)
    FleetRegistry registry;

    @Reference
    NodeIdentity self;

    @Option(name = "--set", description = "A setting of the agent's config object, key=value (value read as JSON when it is JSON)",
            multiValued = true)
    List<String> settings;

    @Option(name = "--field", description = "A top-level field of the spawn config, key=value, e.g. poll_interval=1",
            multiValued = true)
    List<String> fields;

    @Option(name = "--replace", description = "Replace an agent of that name that is running")
    boolean replace;

    @Option(name = "--no-wait", description = "Return at once instead of waiting for the agent to run")
    boolean noWait;

    @Override
    public Object execute() throws Exception {
        SpawnConfig config = config();
        if (config.node().isPresent() || !config.requires().isEmpty()) {
            return spawnInTheFleet(config);
        }
        // Names are unique in the fleet: best effort, as far as this node's registry knows the others' agents
        Optional<String> holder = registry == null ? Optional.empty()
                : registry.nodeOf(config.name()).filter(node -> !node.equals(self.name()));
        if (holder.isPresent()) {
            throw new IllegalArgumentException("agent " + config.name() + " runs on node " + holder.get()
                    + " already: agent names are unique in the fleet (stop it there, or move it)");
        }
        SpawnResult result = agents.spawn(config);
        AgentInfo agent = result.agent();
        if (result.outcome() == SpawnResult.Outcome.ALREADY_RUNNING) {
            System.out.println("Agent " + agent.name() + " is already " + agent.state().wireName()
                    + "; nothing changed (use --replace to replace it)");
            return null;
        }
        if (!noWait) {
            try {
                agent = result.settled().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                agent = agents.find(agent.name()).orElse(agent);
            }
        }
        if (agent.state() == AgentState.FAILED) {
            String reason = agents.info(agent.name()).map(d -> d.detail()).orElse("see agent:logs " + agent.name());
            throw new IllegalStateException("agent " + agent.name() + " failed: " + reason);
        }
        System.out.println((result.outcome() == SpawnResult.Outcome.REPLACED ? "Replaced " : "Spawned ") + agent.name()
                + " (" + agent.type() + "): " + agent.state().wireName());
        return null;
    }

    private Object spawnInTheFleet(SpawnConfig config) throws Exception {
        if (fleet == null) {
            throw Fleet.noFleet();
        }
        Duration limit = Duration.ofSeconds(noWait ? 10 : WAIT_SECONDS);
        CommandResult result = Fleet.await(fleet.spawn(config, limit), limit);
        Object state = result.fields().get("state");
        if (!result.success()) {
            throw new IllegalStateException("agent " + config.name() + " on " + result.node() + " failed: " + result.error());
        }
        if ("already_running".equals(result.fields().get("outcome"))) {
            System.out.println("Agent " + config.name() + " is already " + state + " on " + result.node()
                    + "; nothing changed (use --replace to replace it)");
        } else {
            System.out.println("Spawned " + config.name() + " (" + config.type() + ") on " + result.node() + ": " + state);
        }
        return null;
    }

    /** A relative path that is not here is looked up in the installation, where examples/ lives. */
    static Path locate(String file) {
        Path path = Path.of(file);
        String home = System.getProperty("karaf.home");
        if (!path.isAbsolute() && !Files.exists(path) && home != null && Files.exists(Path.of(home).resolve(path))) {
            return Path.of(home).resolve(path);
        }
        return path;
    }

    SpawnConfig config() throws Exception {
        Map<String, Object> changes = new LinkedHashMap<>(Text.pairs("--field", fields));
        if (type != null) {
            changes.put("type", type);
        }
        if (name != null) {
            changes.put("name", name);
        }
        if (node != null) {
            changes.put("node", node);
        }
        if (replace) {
            changes.put("replace", true);
        }
        if (requires != null && !requires.isEmpty()) {
            changes.put("requires", requires);
        }
        Map<String, Object> extraSettings = Text.pairs("--set", settings);
        if (file != null) {
            Path located = locate(file);
            if (!Files.isRegularFile(located)) {
                String home = System.getProperty("karaf.home");
                String where = Path.of(file).isAbsolute() ? ""
                        : " (looked for in " + Path.of("").toAbsolutePath() + (home == null ? "" : " and in " + home) + ")";
                throw new IllegalArgumentException("no spawn config file " + file + ": "
                        + (Files.isDirectory(located) ? "it is a directory" : "it does not exist") + where);
            }
            SpawnConfig fromFile = reader.read(Files.readAllBytes(located));
            if (!extraSettings.isEmpty()) {
                Map<String, Object> merged = new LinkedHashMap<>(fromFile.settings());
                merged.putAll(extraSettings);
                changes.put("config", merged);
            }
            return changes.isEmpty() ? fromFile : fromFile.with(changes);
        }
        if (type == null || name == null) {
            throw new IllegalArgumentException("give a spawn config file, or both --type and --name");
        }
        changes.put("config", extraSettings);
        return SpawnConfig.fromMap(changes);
    }
}
