package io.flotilla.registry.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.NodeInfo;
import io.flotilla.api.Subscription;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.NodeDetails;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.fleet.FleetLink;
import io.flotilla.spi.fleet.FleetTopics;
import io.flotilla.util.AtomicFiles;
import io.flotilla.util.DaemonThreads;
import io.flotilla.util.Json;

/**
 * The node's registry of the fleet: listens to every node's retained status and heartbeats and to
 * every agent's heartbeat, keeps what it learns in {@code registry/nodes.json} (written atomically),
 * and on start reloads it with every node offline until heard from; the retained statuses bring the
 * live ones back as soon as the subscription is made.
 */
@Component(service = {FleetRegistry.class, NodeRegistry.class}, immediate = true, configurationPid = RegistryConfig.PID)
@Designate(ocd = RegistryConfig.class)
public final class NodeRegistry implements FleetRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    /** Nodes coming, going and forgotten are kept within this; a burst of them is one write. */
    private static final Duration PRESENCE_SAVE_INTERVAL = Duration.ofSeconds(5);
    /**
     * Load figures and agent lists, which every heartbeat brings, are kept within this: a restart
     * shows every node offline until heard from anyway, and the file of a 10,000-node fleet is megabytes.
     */
    private static final Duration FIGURES_SAVE_INTERVAL = Duration.ofSeconds(60);
    private static final int MAX_CAPABILITIES = 256;
    private static final int MAX_AGENTS_PER_NODE = 100_000;
    private static final int MAX_VERSION = 64;

    private final Json json = new Json();
    private final FleetView view;
    private final Path file;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean changed = new AtomicBoolean();
    private final RefusalLog refused = new RefusalLog(LOG, Clock.systemUTC(), Duration.ofMinutes(1));
    private volatile long lastSave;
    private final ScheduledExecutorService timer;
    private final List<Subscription> subscriptions = new ArrayList<>();

    @Activate
    public NodeRegistry(RegistryConfig config, @Reference FleetLink fleet, @Reference NodeIdentity node) {
        this.file = node.dataDirectory().resolve("registry").resolve("nodes.json");
        this.view = new FleetView(Clock.systemUTC(), Math.max(1, config.missed_heartbeats()),
                Duration.ofMillis(Math.round(config.node_expiry() * 1000)), Math.max(1, config.max_nodes()), change -> {
                    LOG.info("Fleet: {}", change);
                    changed.set(true);
                });
        List<FleetView.Entry> known = load();
        view.restore(known);
        LOG.info("Fleet registry of node {}: {} known nodes, offline until heard from", node.name(), known.size());
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flotilla-registry"));
        long period = Math.max(50, Math.round(config.check_interval() * 1000));
        timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        FleetTopics topics = fleet.topics();
        subscriptions.add(fleet.subscribe(topics.everyNode("status"), (topic, payload, retained) -> onStatus(topics, topic, payload)));
        subscriptions.add(fleet.subscribeLatest(topics.everyNode("heartbeat"), (topic, payload, retained) -> onHeartbeat(topics, topic, payload)));
        subscriptions.add(fleet.subscribe(topics.everyAgent("heartbeat"), (topic, payload, retained) -> onAgentHeartbeat(payload)));
    }

    @Deactivate
    void deactivate() {
        subscriptions.forEach(Subscription::close);
        timer.shutdownNow();
        save();
    }

    private void tick() {
        try {
            view.check();
            long sinceSave = System.currentTimeMillis() - lastSave;
            if (changed.get() && sinceSave >= PRESENCE_SAVE_INTERVAL.toMillis()
                    || dirty.get() && sinceSave >= FIGURES_SAVE_INTERVAL.toMillis()) {
                changed.set(false);
                dirty.set(false);
                save();
            }
        } catch (RuntimeException e) {
            LOG.warn("Fleet registry check failed", e);
        }
    }

    // ---------------------------------------------------------------- messages (on the delivery thread)

    private void onStatus(FleetTopics topics, String topic, byte[] payload) {
        String node = topics.nameIn(topic);
        Map<String, Object> status = read(payload, topic);
        if (node == null || status == null) {
            return;
        }
        refused.note(view.status(node, String.valueOf(status.get("status")), number(status.get("incarnation")),
                status.get("reason") instanceof String reason ? reason : null, instant(status.get("timestamp"))));
    }

    private void onHeartbeat(FleetTopics topics, String topic, byte[] payload) {
        String node = topics.nameIn(topic);
        Map<String, Object> beat = read(payload, topic);
        if (node == null || beat == null) {
            return;
        }
        List<String> capabilities = texts(beat.get("capabilities"), MAX_CAPABILITIES, NodeRegistry::capability);
        List<String> agents = texts(beat.get("agents"), MAX_AGENTS_PER_NODE, name -> SpawnConfig.NAME.matcher(name).matches());
        if (capabilities == null || agents == null) {
            refused.note("node " + node + "'s heartbeat lists over " + MAX_CAPABILITIES + " capabilities or over "
                    + MAX_AGENTS_PER_NODE + " agents, or one that is not a capability or agent name");
            return;
        }
        if ("offline".equals(beat.get("status"))) {
            // A Wactorz runner's last word, having no Will: as an offline status of incarnation 0, which
            // takes a Wactorz runner offline and is a late Will to any Flotilla node.
            refused.note(view.status(node, "offline", number(beat.get("incarnation")), "stopped (its last heartbeat)",
                    instant(beat.get("timestamp"))));
            return;
        }
        // Flotilla's heartbeats always carry the node's incarnation; the Wactorz runner's never do.
        String runner = beat.containsKey("incarnation") ? NodeInfo.FLOTILLA : NodeInfo.WACTORZ;
        String problem = view.heartbeat(node, new FleetView.Heartbeat(number(beat.get("incarnation")), capabilities,
                decimal(beat.get("cpu_pct"), -1), number(beat.get("mem_used_mb")), agents,
                beat.get("broker") instanceof String broker ? broker : null, decimal(beat.get("uptime_s"), 0),
                decimal(beat.get("heartbeat_interval"), FleetView.DEFAULT_INTERVAL), runner,
                beat.get("version") instanceof String version && version.length() <= MAX_VERSION ? version : null));
        refused.note(problem);
        if (problem == null) {
            dirty.set(true);
        }
    }

    private void onAgentHeartbeat(byte[] payload) {
        Map<String, Object> beat = read(payload, "an agent heartbeat");
        if (beat != null && beat.get("name") instanceof String agent && beat.get("node") instanceof String node
                && SpawnConfig.NAME.matcher(agent).matches()) {
            Object state = beat.get("state");
            view.agentSeen(agent, node, !"stopped".equals(state) && !"failed".equals(state));
        }
    }

    private Map<String, Object> read(byte[] payload, String where) {
        if (payload.length == 0) {
            return null; // a cleared retained message
        }
        try {
            return json.parseObject(payload);
        } catch (IOException e) {
            LOG.debug("Unreadable message on {}: {}", where, e.getMessage());
            return null;
        }
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static double decimal(Object value, double otherwise) {
        return value instanceof Number n ? n.doubleValue() : otherwise;
    }

    private static List<String> texts(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            items.forEach(item -> out.add(String.valueOf(item)));
        }
        return out;
    }

    /** What a heartbeat lists, or null when there are over {@code max} or one is not {@code valid}. */
    private static List<String> texts(Object value, int max, Predicate<String> valid) {
        if (value instanceof Collection<?> items && items.size() > max) {
            return null;
        }
        List<String> names = texts(value);
        return names.stream().allMatch(valid) ? names : null;
    }

    /** A capability: {@code gpu}, {@code cpus=4}; short text without control characters. */
    private static boolean capability(String text) {
        return !text.isEmpty() && text.length() <= 128 && text.chars().noneMatch(Character::isISOControl);
    }

    private static Instant instant(Object seconds) {
        return seconds instanceof Number n ? Instant.ofEpochMilli(Math.round(n.doubleValue() * 1000)) : null;
    }

    // ---------------------------------------------------------------- persistence

    private List<FleetView.Entry> load() {
        List<FleetView.Entry> known = new ArrayList<>();
        if (!Files.exists(file)) {
            return known;
        }
        try {
            Object nodes = json.parseObject(Files.readAllBytes(file)).get("nodes");
            if (nodes instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> node && node.get("name") instanceof String name) {
                        FleetView.Entry entry = new FleetView.Entry(name, Instant.parse(String.valueOf(node.get("last_seen"))));
                        entry.incarnation = number(node.get("incarnation"));
                        entry.capabilities = List.copyOf(texts(node.get("capabilities")));
                        entry.cpuPercent = decimal(node.get("cpu_pct"), -1);
                        entry.memoryUsedMb = number(node.get("mem_used_mb"));
                        entry.agents = List.copyOf(texts(node.get("agents")));
                        entry.broker = node.get("broker") instanceof String broker ? broker : null;
                        entry.runner = node.get("runner") instanceof String runner ? runner : NodeInfo.FLOTILLA;
                        entry.interval = decimal(node.get("heartbeat_interval"), FleetView.DEFAULT_INTERVAL);
                        entry.statusSince = node.get("status_since") instanceof String since ? Instant.parse(since) : entry.lastSeen;
                        known.add(entry);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                Path aside = AtomicFiles.moveAside(file, Clock.systemUTC());
                LOG.error("Fleet registry {} could not be read ({}); moved it to {} and starting empty", file,
                        e.getMessage(), aside.getFileName());
            } catch (IOException moveFailed) {
                LOG.error("Fleet registry {} could not be read ({}) nor moved aside ({})", file, e.getMessage(),
                        moveFailed.getMessage());
            }
        }
        return known;
    }

    private void save() {
        lastSave = System.currentTimeMillis();
        try {
            AtomicFiles.write(file, json.toPrettyBytes(Map.of("nodes", view.snapshot())));
        } catch (IOException e) {
            LOG.error("Could not save the fleet registry to {}: {}", file, e.getMessage());
        }
    }

    /**
     * Notes that {@code node} said it runs {@code agent} in reply to a spawn this node sent, so that an
     * ask right after the spawn finds it before the agent's first heartbeat arrives.
     */
    void spawnedOn(String agent, String node) {
        view.agentSeen(agent, node, true);
    }

    // ---------------------------------------------------------------- FleetRegistry

    @Override
    public List<NodeInfo> nodes() {
        return view.nodes();
    }

    @Override
    public Optional<NodeDetails> node(String name) {
        return view.node(name);
    }

    @Override
    public Optional<String> nodeOf(String agentName) {
        return view.nodeOf(agentName);
    }

    @Override
    public List<NodeInfo> candidates(Collection<String> requires) {
        return view.candidates(requires);
    }
}
