package io.flotilla.core.internal.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.json.Json;
import io.flotilla.runtime.AtomicFiles;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;
import io.flotilla.runtime.SpawnResult;

/**
 * Spawn configs dropped into {@code deploy/} as {@code *.agent.json}: a new or changed file spawns
 * its agent (replacing the running one when the content changed), a deleted file stops and forgets
 * it, keeping its persisted state. Which file spawned which agent is remembered in
 * {@code deployed.json}, so that a file deleted while the node was down is noticed at start and an
 * unchanged file does not undo an operator's {@code agent:stop}. An agent that migrated to another
 * node is not deployed here again while it is away.
 */
@Component(service = ArtifactInstaller.class)
public final class DescriptorDeployer implements ArtifactInstaller {

    static final String SUFFIX = ".agent.json";
    private static final Logger LOG = LoggerFactory.getLogger(DescriptorDeployer.class);

    private final AgentManager agents;
    private final SpawnConfigReader reader;
    private final Json json = new Json();
    private final Path ledgerFile;
    private final Map<String, Deployed> ledger = new LinkedHashMap<>();

    /** What one descriptor file deployed. */
    private record Deployed(String agent, String sha256) {
    }

    @Activate
    public DescriptorDeployer(@Reference NodeIdentity node, @Reference AgentManager agents,
            @Reference SpawnConfigReader reader) {
        this.agents = agents;
        this.reader = reader;
        this.ledgerFile = node.dataDirectory().resolve("deployed.json");
        load();
        forgetVanishedFiles();
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(SUFFIX);
    }

    @Override
    public void install(File artifact) {
        deploy(artifact);
    }

    @Override
    public void update(File artifact) {
        deploy(artifact);
    }

    @Override
    public synchronized void uninstall(File artifact) {
        Deployed deployed = ledger.remove(key(artifact));
        save();
        if (deployed != null) {
            removeAgent(artifact.toString(), deployed.agent(), "removed");
        }
    }

    private void removeAgent(String descriptor, String agent, String what) {
        if (agents.remove(agent, false)) {
            LOG.info("Descriptor {} {}: agent {} stopped and forgotten (its state is kept)", descriptor, what, agent);
        } else {
            LOG.info("Descriptor {} {}; its agent {} is not on this node", descriptor, what, agent);
        }
    }

    private synchronized void deploy(File artifact) {
        byte[] content;
        try {
            content = Files.readAllBytes(artifact.toPath());
        } catch (IOException e) {
            LOG.error("Descriptor {} could not be read: {}", artifact, e.getMessage());
            return;
        }
        SpawnConfig config;
        try {
            config = reader.read(content);
        } catch (InvalidSpawnConfigException e) {
            LOG.error("Descriptor {} refused, nothing changed: {}", artifact, e.getMessage());
            return;
        }
        String hash = sha256(content);
        Deployed before = ledger.get(key(artifact));
        Optional<AgentDetails> current = agents.info(config.name());
        if (before != null && before.sha256().equals(hash) && current.isPresent()) {
            LOG.debug("Descriptor {} unchanged", artifact);
            return;
        }
        if (before != null && !before.agent().equals(config.name())) {
            agents.remove(before.agent(), false);
        }
        try {
            boolean replace = current.isPresent() && !current.get().info().state().isTerminal();
            SpawnResult result = agents.spawnDeclared(replace ? config.with(Map.of("replace", true)) : config);
            if (result.outcome() == SpawnResult.Outcome.DEPARTED) {
                // The ledger keeps what it had, so a descriptor changed meanwhile applies once the agent is back.
                LOG.info("Descriptor {}: agent {} moved to node {}; not deployed here again (agent:spawn it here, or "
                        + "migrate it back)", artifact, config.name(), result.agent().node());
                return;
            }
            LOG.info("Descriptor {}: agent {} {}", artifact, config.name(), result.outcome().name().toLowerCase());
        } catch (RuntimeException e) {
            LOG.error("Descriptor {} refused, nothing changed: {}", artifact, e.getMessage());
            return;
        }
        ledger.put(key(artifact), new Deployed(config.name(), hash));
        save();
    }

    private synchronized void forgetVanishedFiles() {
        ledger.entrySet().removeIf(entry -> {
            if (Files.exists(Path.of(entry.getKey()))) {
                return false;
            }
            removeAgent(entry.getKey(), entry.getValue().agent(), "was deleted while the node was down");
            return true;
        });
        save();
    }

    private static String key(File artifact) {
        return artifact.getAbsoluteFile().toPath().normalize().toString();
    }

    private void load() {
        if (!Files.exists(ledgerFile)) {
            return;
        }
        try {
            json.parseObject(Files.readAllBytes(ledgerFile)).forEach((path, value) -> {
                if (value instanceof Map<?, ?> entry && entry.get("agent") instanceof String agent
                        && entry.get("sha256") instanceof String hash) {
                    ledger.put(path, new Deployed(agent, hash));
                }
            });
        } catch (IOException e) {
            LOG.error("Could not read {} ({}); every descriptor in deploy/ will be deployed afresh", ledgerFile,
                    e.getMessage());
        }
    }

    private void save() {
        Map<String, Object> document = new LinkedHashMap<>();
        ledger.forEach((path, deployed) -> document.put(path, Map.of("agent", deployed.agent(), "sha256", deployed.sha256())));
        try {
            AtomicFiles.write(ledgerFile, json.toPrettyBytes(document));
        } catch (IOException e) {
            LOG.error("Could not save {}: {}", ledgerFile, e.getMessage());
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
