package io.flotilla.core.internal.osgi;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.flotilla.core.internal.command.CommandGate;
import io.flotilla.core.internal.command.JsonSpawnConfigReader;
import io.flotilla.core.internal.command.SecurityPolicy;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnConfigReader;
import io.flotilla.util.Json;

/**
 * The node's security policy ({@code io.flotilla.security}) and the gate that applies it: to
 * commands at the intake, to the agent manager's own callers, to spawn documents read anywhere
 * ({@link SpawnConfigReader}), and to the code the installer fetches.
 */
@Component(service = {NodeGate.class, SpawnConfigReader.class}, configurationPid = SecurityConfig.PID)
@Designate(ocd = SecurityConfig.class)
public final class CommandGateComponent implements NodeGate, SpawnConfigReader {

    private final CommandGate gate;
    private final JsonSpawnConfigReader reader;

    @Activate
    public CommandGateComponent(SecurityConfig config, @Reference NodeIdentity node) {
        Json json = new Json();
        this.gate = new CommandGate(node.name(), new SecurityPolicy(config.spawn_max_bytes(), config.command_max_bytes(),
                Settings.list(config.bundle_locations()), Settings.list(config.features()), config.bundle_max_bytes()), json);
        this.reader = new JsonSpawnConfigReader(gate, json);
    }

    @Override
    public CommandGate gate() {
        return gate;
    }

    @Override
    public SpawnConfig read(byte[] json) {
        return reader.read(json);
    }

    @Override
    public SpawnConfig read(String json) {
        return reader.read(json);
    }

    @Override
    public String write(SpawnConfig config) {
        return reader.write(config);
    }

    @Override
    public int maxDocumentBytes() {
        return reader.maxDocumentBytes();
    }
}
