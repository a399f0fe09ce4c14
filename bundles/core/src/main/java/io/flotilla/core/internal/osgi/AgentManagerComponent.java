package io.flotilla.core.internal.osgi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentType;
import io.flotilla.api.Reply;
import io.flotilla.core.internal.exec.ElasticDispatcher;
import io.flotilla.core.internal.exec.TimerScheduler;
import io.flotilla.core.internal.json.Json;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.core.internal.runtime.FleetPubSub;
import io.flotilla.core.internal.runtime.Installer;
import io.flotilla.core.internal.runtime.RuntimeEnvironment;
import io.flotilla.core.internal.store.AgentRecordStore;
import io.flotilla.core.internal.store.StateStore;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentEventListener;
import io.flotilla.runtime.AgentHandoff;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.AgentSnapshot;
import io.flotilla.runtime.FleetLink;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.RemoteMessaging;
import io.flotilla.runtime.LogEntry;
import io.flotilla.runtime.PendingMessage;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;

/**
 * The node's {@link AgentManager}: owns the agent pool and the timer thread, turns {@code Agent}
 * services into agent types, and brings back the agents of the node's previous life.
 */
@Component(service = {AgentManager.class, AgentHandoff.class}, configurationPid = NodeConfig.PID)
public final class AgentManagerComponent implements AgentManager, AgentHandoff {

    private static final Logger LOG = LoggerFactory.getLogger(AgentManagerComponent.class);

    private final BundleContext context;
    private final TimerScheduler timer;
    private final ElasticDispatcher dispatcher;
    private final AgentSystem system;
    private final Map<ServiceReference<Agent>, ServiceAgentFactory> types = new ConcurrentHashMap<>();
    private final Json json = new Json();
    private volatile FleetLink fleet;
    private volatile RemoteMessaging remote;
    private volatile FleetRegistry registry;
    private volatile boolean active = true;

    @Activate
    public AgentManagerComponent(BundleContext context, NodeConfig config, @Reference NodeIdentity node,
            @Reference Installer installer) {
        this.context = context;
        int cores = Runtime.getRuntime().availableProcessors();
        int baseThreads = config.agent_threads() > 0 ? config.agent_threads() : cores;
        this.timer = new TimerScheduler("flotilla-timer");
        this.dispatcher = new ElasticDispatcher("flotilla-agent", baseThreads,
                Math.max(baseThreads, config.agent_threads_max()), timer, Duration.ofMillis(100));
        var data = node.dataDirectory();
        this.system = new AgentSystem(new RuntimeEnvironment(node.name(), dispatcher, timer, Math::random, json,
                new StateStore(data.resolve("state"), json, timer.clock()),
                new AgentRecordStore(data.resolve("agents"), json, timer.clock()), installer,
                Settings.seconds(config.boot_type_wait()), Settings.seconds(config.stop_timeout())));
        system.restore();
        LOG.info("Agent manager of node {} started; agent data in {}", node.name(), data);
    }

    @Deactivate
    void deactivate() {
        active = false;
        system.shutdown();
        dispatcher.close();
        timer.close();
        LOG.info("Agent manager stopped");
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindFleet(FleetLink link) {
        fleet = link;
        system.usePubSub(new FleetPubSub(link, json));
    }

    void unbindFleet(FleetLink link) {
        if (fleet == link) {
            fleet = null;
            system.usePubSub(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRemote(RemoteMessaging messaging) {
        remote = messaging;
        system.useRemote(messaging);
    }

    void unbindRemote(RemoteMessaging messaging) {
        if (remote == messaging) {
            remote = null;
            system.useRemote(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRegistry(FleetRegistry view) {
        registry = view;
        system.useFleetView(view::nodes);
    }

    void unbindRegistry(FleetRegistry view) {
        if (registry == view) {
            registry = null;
            system.useFleetView(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(AgentEventListener listener) {
        system.addListener(listener);
    }

    void unbindListener(AgentEventListener listener) {
        system.removeListener(listener);
    }

    @Override
    public SpawnResult spawn(SpawnConfig config) {
        return system.spawn(config);
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
    public SpawnResult spawnDeclared(SpawnConfig config) {
        return system.spawnDeclared(config);
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
    public AutoCloseable followEvents(AgentEventListener listener) {
        return system.followEvents(listener);
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
