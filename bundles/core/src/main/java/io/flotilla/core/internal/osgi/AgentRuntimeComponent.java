package io.flotilla.core.internal.osgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentType;
import io.flotilla.core.internal.declare.DeclarationSource;
import io.flotilla.core.internal.declare.Declarations;
import io.flotilla.core.internal.exec.ElasticDispatcher;
import io.flotilla.core.internal.exec.TimerScheduler;
import io.flotilla.core.internal.runtime.AgentFactory;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.core.internal.runtime.Installer;
import io.flotilla.core.internal.runtime.ProcessBackoff;
import io.flotilla.core.internal.runtime.RuntimeEnvironment;
import io.flotilla.core.internal.store.AgentRecordStore;
import io.flotilla.core.internal.store.StateStore;
import io.flotilla.runtime.AgentEventListener;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.fleet.FleetPort;
import io.flotilla.util.DaemonThreads;
import io.flotilla.util.Json;

/**
 * The node's agent runtime: owns the agent pool, the timer thread and the event thread, runs the
 * {@link AgentSystem} and its {@link Declarations}, and brings back the agents of the node's
 * previous life. It tracks three kinds of services others register (whiteboard): {@code Agent}
 * types, {@link AgentEventListener}s, and the one {@link FleetPort} through which agents reach the
 * fleet. The engine and the declarations are this bundle's own business: offered as an
 * {@link AgentRuntime} to the bundle's other components only.
 */
@Component(service = AgentRuntime.class, configurationPid = AgentsConfig.PID)
@Designate(ocd = AgentsConfig.class)
public final class AgentRuntimeComponent implements AgentRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimeComponent.class);

    private final BundleContext context;
    private final TimerScheduler timer;
    private final ElasticDispatcher dispatcher;
    private final ExecutorService events;
    private final AgentSystem system;
    private final Declarations declarations;
    private final Map<ServiceReference<Agent>, ServiceAgentFactory> types = new ConcurrentHashMap<>();
    private volatile FleetPort fleet;
    private volatile boolean active = true;

    @Activate
    public AgentRuntimeComponent(BundleContext context, AgentsConfig config, @Reference NodeIdentity node,
            @Reference Installer installer) {
        this.context = context;
        int cores = Runtime.getRuntime().availableProcessors();
        int baseThreads = config.agent_threads() > 0 ? config.agent_threads() : cores;
        this.timer = new TimerScheduler("flotilla-timer");
        this.dispatcher = new ElasticDispatcher("flotilla-agent", baseThreads,
                Math.max(baseThreads, config.agent_threads_max()), timer, Duration.ofMillis(100));
        this.events = Executors.newSingleThreadExecutor(DaemonThreads.named("flotilla-events"));
        Path data = node.dataDirectory();
        Json json = new Json();
        this.system = new AgentSystem(new RuntimeEnvironment(node.name(), dispatcher, events, timer, Math::random, json,
                new StateStore(data.resolve("state"), json, timer.clock()),
                new AgentRecordStore(data.resolve("agents"), json, timer.clock()), installer,
                Settings.seconds(config.boot_type_wait()), Settings.seconds(config.stop_timeout()),
                ProcessBackoff.of(config.process_backoff())));
        this.declarations = new Declarations(system, data.resolve("declarations.json"), json);
        system.useAutostarter(this::autostart);
        try {
            system.restore();
        } catch (RuntimeException e) {
            closeThreads();
            throw e;
        }
        LOG.info("Agent manager of node {} started; agent data in {}", node.name(), data);
    }

    @Deactivate
    void deactivate() {
        active = false;
        system.shutdown();
        closeThreads();
        LOG.info("Agent manager stopped");
    }

    private void closeThreads() {
        dispatcher.close();
        timer.close();
        events.shutdown();
        try {
            if (!events.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Agent events were still being delivered 5 s after the agents stopped");
                events.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.shutdownNow();
        }
    }

    /**
     * An autostart type gets one agent named after it, declared like any other. Unlike the other
     * sources it never touches an agent of that name that is here already, whoever spawned it and
     * with whatever config: the type only asks that one exist.
     */
    private void autostart(AgentFactory factory) {
        if (system.find(factory.type()).isPresent()) {
            return;
        }
        declarations.declare(DeclarationSource.autostart(factory.type()),
                List.of(SpawnConfig.fromMap(Map.of("name", factory.type(), "type", factory.type()))));
    }

    @Override
    public AgentSystem system() {
        return system;
    }

    @Override
    public Declarations declarations() {
        return declarations;
    }

    @Reference(service = Agent.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + AgentType.PROPERTY + "=*)")
    void bindAgentType(ServiceReference<Agent> reference) {
        ServiceAgentFactory factory = new ServiceAgentFactory(context, reference);
        types.put(reference, factory);
        system.addType(factory);
    }

    void unbindAgentType(ServiceReference<Agent> reference) {
        ServiceAgentFactory factory = types.remove(reference);
        if (factory != null && active) {
            // The bundle is stopping: its agents must let go of its classes before it does.
            system.removeTypeAndWait(factory);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(AgentEventListener listener) {
        system.addListener(listener);
    }

    void unbindListener(AgentEventListener listener) {
        system.removeListener(listener);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindFleet(FleetPort port) {
        fleet = port;
        system.useFleet(port);
    }

    void unbindFleet(FleetPort port) {
        if (fleet == port) {
            fleet = null;
            system.useFleet(null);
        }
    }
}
