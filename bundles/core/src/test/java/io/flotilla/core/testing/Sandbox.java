package io.flotilla.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.core.internal.runtime.AgentFactory;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.core.internal.runtime.Installer;
import io.flotilla.core.internal.runtime.ProcessBackoff;
import io.flotilla.core.internal.runtime.RuntimeEnvironment;
import io.flotilla.core.internal.store.AgentRecordStore;
import io.flotilla.core.internal.store.StateStore;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.util.Json;

/**
 * A whole agent system on {@link ManualTime}, with its state in a directory of its own: time moves
 * only when told, so supervision timing can be checked to the millisecond; agents' callbacks and
 * the delivery of their events run when time is told to. Test support, in core's test-support
 * artifact: used by the unit tests of several modules and by the launcher's {@code --test}.
 */
public final class Sandbox implements AutoCloseable {

    public static final String NODE = "sandbox-node";

    private final ManualTime time = new ManualTime();
    private final Path directory;
    private final boolean ownsDirectory;
    private final AgentSystem system;
    private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicLong registrations = new AtomicLong();

    /** A sandbox in a fresh temporary directory, deleted on close; the node's default pauses after failures. */
    public static Sandbox create() {
        return create(ProcessBackoff.WACTORZ);
    }

    /** A sandbox in a fresh temporary directory, deleted on close, pausing after a failed process() as {@code backoff} says. */
    public static Sandbox create(ProcessBackoff backoff) {
        try {
            return new Sandbox(Files.createTempDirectory("flotilla-sandbox"), true, () -> 0.5, Installer.NONE, backoff);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sandbox over an existing directory (to see what a restarted node finds), kept on close. */
    public static Sandbox over(Path directory) {
        return new Sandbox(directory, false, () -> 0.5, Installer.NONE);
    }

    public Sandbox(Path directory, boolean ownsDirectory, DoubleSupplier random, Installer installer) {
        this(directory, ownsDirectory, random, installer, ProcessBackoff.WACTORZ);
    }

    public Sandbox(Path directory, boolean ownsDirectory, DoubleSupplier random, Installer installer,
            ProcessBackoff backoff) {
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        Json json = new Json();
        RuntimeEnvironment env = new RuntimeEnvironment(NODE, time, time, time, random, json,
                new StateStore(directory.resolve("state"), json, time.clock()),
                new AgentRecordStore(directory.resolve("agents"), json, time.clock()), installer,
                Duration.ofSeconds(60), Duration.ofSeconds(5), backoff);
        system = new AgentSystem(env);
        system.addListener(events::add);
        system.restore();
        time.runReady();
    }

    public AgentSystem system() {
        return system;
    }

    public ManualTime time() {
        return time;
    }

    public Path directory() {
        return directory;
    }

    /** A new script whose setups are stamped with this sandbox's clock. */
    public ScriptedAgent.Script script() {
        return new ScriptedAgent.Script(time.clock());
    }

    /** A script that adds one to its persisted {@code count} on every {@code process()}. */
    public ScriptedAgent.Script counting() {
        return script().onProcess((ctx, call) -> {
            long count = ctx.recall("count", Long.class).orElse(0L);
            ctx.persist("count", count + 1);
        });
    }

    /** Offers an agent type whose instances follow {@code script}. */
    public AgentFactory addType(String type, ScriptedAgent.Script script) {
        return addType(type, script::newAgent);
    }

    /** Offers an agent type whose instances come from {@code agents}. */
    public AgentFactory addType(String type, Supplier<? extends Agent> agents) {
        AgentFactory factory = new SandboxFactory(type, agents, registrations.incrementAndGet());
        system.addType(factory);
        time.runReady();
        return factory;
    }

    public void removeType(AgentFactory factory) {
        system.removeType(factory);
        time.runReady();
    }

    /** A spawn document: name, type, then field/value pairs ({@code "poll_interval", 1}). */
    public static Map<String, Object> agent(String name, String type, Object... fields) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("name", name);
        document.put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            document.put((String) fields[i], fields[i + 1]);
        }
        return document;
    }

    /** An agent type whose instances come from {@code agents}, for systems built without a sandbox. */
    public static AgentFactory factory(String type, Supplier<? extends Agent> agents) {
        return new SandboxFactory(type, agents, 0);
    }

    public SpawnResult spawn(Map<String, ?> document) {
        SpawnResult result = system.spawn(SpawnConfig.fromMap(document));
        time.runReady();
        return result;
    }

    public void stop(String name) {
        system.stopAsync(name);
        time.runReady();
    }

    public void advance(Duration duration) {
        time.advance(duration);
    }

    public void advanceSeconds(double seconds) {
        time.advance(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    public AgentInfo agent(String name) {
        return system.find(name).orElseThrow(() -> new IllegalStateException("no agent " + name));
    }

    public AgentState state(String name) {
        return agent(name).state();
    }

    public List<AgentEvent> events(String name) {
        return events.stream().filter(e -> e.agent().equals(name)).toList();
    }

    public List<AgentEvent> errors(String name) {
        return events(name).stream().filter(e -> e.kind() == AgentEvent.Kind.ERROR).toList();
    }

    public void remove(String name, boolean deleteState) {
        system.removeAsync(name, deleteState);
        time.runReady();
    }

    /** Shuts the node down as a restart would: agents stop, records stay. */
    @Override
    public void close() {
        system.shutdownAsync();
        time.runReady();
        if (ownsDirectory) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class SandboxFactory implements AgentFactory {
        private final String type;
        private final Supplier<? extends Agent> agents;
        private final long order;

        SandboxFactory(String type, Supplier<? extends Agent> agents, long order) {
            this.type = type;
            this.agents = agents;
            this.order = order;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Agent create() {
            return agents.get();
        }

        @Override
        public void release(Agent agent) {
            // nothing pooled
        }

        @Override
        public String provider() {
            return "sandbox/" + order;
        }

        @Override
        public boolean autostart() {
            return false;
        }

        @Override
        public int ranking() {
            return 0;
        }

        @Override
        public long order() {
            return order;
        }
    }
}
