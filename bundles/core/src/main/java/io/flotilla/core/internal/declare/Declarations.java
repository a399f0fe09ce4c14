package io.flotilla.core.internal.declare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.util.Hashes;
import io.flotilla.util.Json;

/**
 * The agents this node declares itself, whatever says so: files in {@code deploy/}, the desired
 * state, autostart types. One rule for all of them, and one ledger that remembers, per source, the
 * config last applied for each agent:
 * <ul>
 * <li>a declared agent is applied (spawned, or replaced when it runs) when its config <em>changed</em>
 *     — it differs from the config last applied from that source or, never applied, from the config
 *     the agent runs with — or when the agent is not on this node at all;</li>
 * <li>an unchanged declaration leaves its agent alone, whatever its state: an operator's stop holds
 *     until the declaration changes;</li>
 * <li>an agent a source no longer declares is stopped and forgotten, its persisted state kept;</li>
 * <li>an agent that migrated to another node is not spawned here again while it is away, and its
 *     ledger entry is left as it was, so a change made meanwhile applies once it is back.</li>
 * </ul>
 * Thread-safe: one declaration at a time.
 */
public final class Declarations {

    private static final Logger LOG = LoggerFactory.getLogger(Declarations.class);

    /** How one declaration turned out, agent by agent: spawned, replaced, unchanged, removed, departed. */
    public static final List<String> OUTCOMES = List.of("spawned", "replaced", "unchanged", "removed", "departed");

    private final AgentManager agents;
    private final Json json;
    private final DeclarationLedger ledger;

    public Declarations(AgentManager agents, Path ledgerFile, Json json) {
        this.agents = agents;
        this.json = json;
        this.ledger = new DeclarationLedger(ledgerFile, json);
    }

    /**
     * Makes this node run what {@code source} declares now, by the rule above; {@code wanted} replaces
     * all that the source declared before. Returns how many agents each outcome had.
     */
    public synchronized Map<String, Integer> declare(DeclarationSource source, List<SpawnConfig> wanted) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        OUTCOMES.forEach(outcome -> counts.put(outcome, 0));
        Set<String> names = new LinkedHashSet<>();
        for (SpawnConfig config : wanted) {
            names.add(config.name());
            counts.merge(apply(source, config), 1, Integer::sum);
        }
        for (String declared : ledger.agents(source.id())) {
            if (!names.contains(declared)) {
                ledger.forget(source.id(), declared);
                if (removeAgent(source, declared)) {
                    counts.merge("removed", 1, Integer::sum);
                }
            }
        }
        ledger.save();
        return counts;
    }

    /** Sources of files in {@code deploy/} that no longer exist, as the node finds them at start. */
    public synchronized List<DeclarationSource> vanishedDescriptors() {
        List<DeclarationSource> vanished = new ArrayList<>();
        for (String id : ledger.sources()) {
            Path file = new DeclarationSource(id, "", "", "").file();
            if (file != null && !Files.exists(file)) {
                vanished.add(DeclarationSource.descriptor(file));
            }
        }
        return vanished;
    }

    private String apply(DeclarationSource source, SpawnConfig config) {
        String name = config.name();
        String hash = hash(config);
        String applied = ledger.applied(source.id(), name);
        Optional<AgentDetails> current = agents.info(name);
        boolean changed = applied != null ? !applied.equals(hash)
                : current.isEmpty() || !sameConfig(current.get().config(), config);
        if (current.isPresent() && !changed) {
            ledger.record(source.id(), name, hash); // adopts an identical agent that ran already
            LOG.debug("{} unchanged", source.agent(name));
            return "unchanged";
        }
        boolean active = current.isPresent() && !current.get().info().state().isTerminal();
        SpawnResult result = agents.spawnDeclared(active ? config.with(Map.of("replace", true)) : config);
        if (result.outcome() == SpawnResult.Outcome.DEPARTED) {
            LOG.info("{} moved to node {}; not {} here again (agent:spawn it here, or migrate it back)",
                    source.agent(name), result.agent().node(), source.verb());
            return "departed";
        }
        ledger.record(source.id(), name, hash);
        String outcome = active ? "replaced" : "spawned";
        LOG.info("{} {}", source.agent(name), outcome);
        return outcome;
    }

    private boolean removeAgent(DeclarationSource source, String agent) {
        if (agents.remove(agent, false)) {
            LOG.info("{} no longer declared: stopped and forgotten (its state is kept)", source.agent(agent));
            return true;
        }
        LOG.info("{} no longer declared; it is not on this node", source.agent(agent));
        return false;
    }

    /** The hash of what a config asks for: the same document, whatever its field order and replace flag. */
    private String hash(SpawnConfig config) {
        return Hashes.sha256(json.toCanonicalBytes(comparable(config)));
    }

    private static boolean sameConfig(SpawnConfig running, SpawnConfig wanted) {
        return comparable(running).equals(comparable(wanted));
    }

    private static Map<String, Object> comparable(SpawnConfig config) {
        Map<String, Object> document = config.toMap();
        document.remove("replace");
        return document;
    }
}
