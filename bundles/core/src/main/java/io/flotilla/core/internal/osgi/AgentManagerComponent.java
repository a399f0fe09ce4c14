package io.flotilla.core.internal.osgi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.Reply;
import io.flotilla.core.internal.command.CommandGate;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.LogEntry;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.spi.handoff.AgentHandoff;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.spi.handoff.PendingMessage;

/**
 * The node's {@link AgentManager}, for Java callers and the shell, and its {@link AgentHandoff}, for
 * migration. A spawn through this API passes the same gate as every command; the rest goes to the
 * agent engine as it is.
 */
@Component(service = {AgentManager.class, AgentHandoff.class})
public final class AgentManagerComponent implements AgentManager, AgentHandoff {

    private final CommandGate gate;
    private final AgentSystem system;

    @Activate
    public AgentManagerComponent(@Reference NodeGate gate, @Reference AgentRuntime runtime) {
        this.gate = gate.gate();
        this.system = runtime.system();
    }

    @Override
    public SpawnResult spawn(SpawnConfig config) {
        return system.spawn(gate.admitSpawn(config));
    }

    @Override
    public SpawnResult spawnDeclared(SpawnConfig config) {
        return system.spawnDeclared(gate.admitSpawn(config));
    }

    @Override
    public boolean stop(String name) {
        return system.stop(name);
    }

    @Override
    public boolean remove(String name, boolean deleteState) {
        return system.remove(name, deleteState);
    }

    @Override
    public Optional<String> departedTo(String name) {
        return system.departedTo(name);
    }

    @Override
    public boolean restart(String name) {
        return system.restart(name);
    }

    @Override
    public List<AgentInfo> list() {
        return system.list();
    }

    @Override
    public Optional<AgentInfo> find(String name) {
        return system.find(name);
    }

    @Override
    public Optional<AgentDetails> info(String name) {
        return system.info(name);
    }

    @Override
    public List<LogEntry> logs(String name, int limit) {
        return system.logs(name, limit);
    }

    @Override
    public AutoCloseable followLogs(String name, Consumer<LogEntry> listener) {
        return system.followLogs(name, listener);
    }

    @Override
    public Set<String> types() {
        return system.types();
    }

    @Override
    public void tellFrom(String sender, String agent, Object payload) {
        system.tellFrom(sender, agent, payload);
    }

    @Override
    public CompletionStage<Reply> askFrom(String sender, String agent, Object payload, Duration timeout) {
        return system.askFrom(sender, agent, payload, timeout);
    }

    @Override
    public CompletionStage<Void> awaitType(String type, Duration limit) {
        return system.awaitType(type, limit);
    }

    // ---------------------------------------------------------------- AgentHandoff

    @Override
    public CompletionStage<AgentSnapshot> pause(String name) {
        return system.pause(name);
    }

    @Override
    public void resume(String name, long epoch) {
        system.resume(name, epoch);
    }

    @Override
    public CompletionStage<List<PendingMessage>> release(String name, String newNode) {
        return system.release(name, newNode);
    }

    @Override
    public SpawnResult adopt(AgentSnapshot snapshot) {
        gate.checkRequires(snapshot.config());
        gate.checkLanguage(snapshot.config());
        return system.adopt(snapshot);
    }

    @Override
    public OptionalLong epoch(String name) {
        return system.epoch(name);
    }

    @Override
    public boolean discardStale(String name, long newerEpoch) {
        return system.discardStale(name, newerEpoch);
    }
}
