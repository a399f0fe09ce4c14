package io.flotilla.registry.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.NodeDetails;
import io.flotilla.runtime.SpawnConfig;

/**
 * The fleet as one node sees it, fed with the nodes' status and heartbeat messages and with the
 * time. Rules: a status or heartbeat of the node's current (or a newer) incarnation makes it
 * online; an offline status of an older incarnation (a late Will of a session long gone) is
 * ignored; a node not heard from for {@code missed} heartbeat intervals is offline; a node offline
 * for longer than the expiry is forgotten.
 *
 * <p>Anyone on the broker can publish these messages, so none of them may silence a node or grow the
 * view without bound: a heartbeat always proves its node alive, whatever incarnation it names (an
 * older incarnation only keeps a late Will from counting); an incarnation ahead of this node's
 * clock by more than {@link #MAX_AHEAD}, a heartbeat interval outside {@link #MIN_INTERVAL} to
 * {@link #MAX_INTERVAL} seconds, or a name that is no node name is refused; and the view holds at
 * most {@code maxNodes} nodes, making room by forgetting the node offline the longest, never an
 * online one. Thread-safe; no I/O of its own.
 */
final class FleetView {

    static final double DEFAULT_INTERVAL = 10;
    static final double MIN_INTERVAL = 1;
    static final double MAX_INTERVAL = 600;
    static final Duration MAX_AHEAD = Duration.ofMinutes(10);
    /** Agents remembered across the fleet, by name: beyond it, new names are not learnt. */
    static final int MAX_AGENTS = 200_000;
    private static final Duration GRACE = Duration.ofMillis(500);

    private final Clock clock;
    private final int missed;
    private final int maxNodes;
    private final Duration expiry;
    private final Consumer<String> changes;
    private final Map<String, Entry> nodes = new TreeMap<>();
    private final Map<String, String> agentNodes = new HashMap<>();

    /** One node's record. Guarded by the view. */
    static final class Entry {
        final String name;
        boolean online;
        long incarnation;
        List<String> capabilities = List.of();
        double cpuPercent = -1;
        long memoryUsedMb = -1;
        List<String> agents = List.of();
        String broker;
        String runner = NodeInfo.FLOTILLA;
        String version;
        double uptimeSeconds;
        double interval = DEFAULT_INTERVAL;
        Instant lastSeen;
        Instant lastHeard;
        Instant statusSince;
        String reason;

        Entry(String name, Instant now) {
            this.name = name;
            this.lastSeen = now;
            this.lastHeard = now;
            this.statusSince = now;
        }
    }

    /**
     * @param changes told, with a line fit for the log, whenever a node comes, goes or is forgotten
     */
    FleetView(Clock clock, int missed, Duration expiry, int maxNodes, Consumer<String> changes) {
        this.clock = clock;
        this.missed = missed;
        this.maxNodes = maxNodes;
        this.expiry = expiry;
        this.changes = changes;
    }

    // ---------------------------------------------------------------- what arrives

    /** A {@code nodes/{n}/status} message; returns why it was refused, or null. */
    synchronized String status(String node, String status, long incarnation, String reason, Instant sent) {
        Instant now = clock.instant();
        String problem = implausible(node, incarnation, DEFAULT_INTERVAL, now);
        if (problem != null) {
            return problem;
        }
        Entry entry = nodes.get(node);
        if ("online".equals(status)) {
            if (entry != null && incarnation < entry.incarnation) {
                return null; // an old session's status, overtaken
            }
            entry = entry != null ? entry : add(node, now);
            if (entry == null) {
                return full(node);
            }
            entry.incarnation = incarnation;
            entry.runner = NodeInfo.FLOTILLA; // only Flotilla nodes keep a retained status
            entry.lastHeard = now;
            entry.lastSeen = now;
            goOnline(entry, now);
        } else if ("offline".equals(status)) {
            if (entry == null) {
                Instant since = sent != null && sent.isBefore(now) ? sent : now;
                if (since.isBefore(now.minus(expiry))) {
                    return null; // long gone: not worth remembering
                }
                entry = add(node, now);
                if (entry == null) {
                    return full(node);
                }
                entry.incarnation = incarnation;
                entry.reason = reason == null ? "offline" : reason;
                entry.statusSince = since;
                entry.lastSeen = since;
                changes.accept("node " + node + " is known, offline: " + entry.reason);
                return null;
            }
            if (incarnation < entry.incarnation) {
                changes.accept("ignored the late Will of node " + node + " (incarnation " + incarnation
                        + ", the node is at " + entry.incarnation + ")");
                return null;
            }
            goOffline(entry, now, reason == null ? "offline" : reason);
        }
        return null;
    }

    /**
     * A {@code nodes/{n}/heartbeat} message, already read; returns why it was refused, or null. A
     * heartbeat of an older incarnation (late, from a session that has ended) still shows the node
     * alive: were it ignored, one forged heartbeat naming a later incarnation would silence the node.
     */
    synchronized String heartbeat(String node, Heartbeat beat) {
        Instant now = clock.instant();
        String problem = implausible(node, beat.incarnation(), beat.interval(), now);
        if (problem != null) {
            return problem;
        }
        Entry entry = nodes.get(node);
        entry = entry != null ? entry : add(node, now);
        if (entry == null) {
            return full(node);
        }
        entry.incarnation = Math.max(entry.incarnation, beat.incarnation());
        entry.capabilities = List.copyOf(beat.capabilities());
        entry.cpuPercent = beat.cpuPercent();
        entry.memoryUsedMb = beat.memoryUsedMb();
        entry.broker = beat.broker();
        entry.runner = beat.runner();
        entry.version = beat.version();
        entry.uptimeSeconds = beat.uptimeSeconds();
        entry.interval = beat.interval();
        entry.lastHeard = now;
        entry.lastSeen = now;
        if (!entry.agents.equals(beat.agents())) {
            // Most heartbeats list what the last one did: only a change is worth copying and comparing
            Set<String> listed = new HashSet<>(beat.agents());
            for (String gone : entry.agents) {
                if (!listed.contains(gone)) {
                    agentNodes.remove(gone, node);
                }
            }
            entry.agents = List.copyOf(beat.agents());
        }
        for (String agent : entry.agents) {
            // A node's list may be older than an agent's own heartbeat from the node it moved to.
            if (agentNodes.size() < MAX_AGENTS) {
                agentNodes.putIfAbsent(agent, node);
            }
        }
        goOnline(entry, now);
        return null;
    }

    /**
     * An {@code agents/{id}/heartbeat}: the agent is on that node now (a migration moves it), unless
     * the beat reports a stopped copy on a node other than the one it was last seen on.
     */
    synchronized void agentSeen(String agent, String node, boolean active) {
        String current = agentNodes.get(agent);
        if (node.equals(current)) {
            return; // known there, so listed there: every beat of a running agent but its first
        }
        if (!active && current != null) {
            return; // the copy a move left behind, stopping: the agent lives where it is active
        }
        Entry entry = nodes.get(node);
        if (entry == null || current == null && agentNodes.size() >= MAX_AGENTS) {
            return; // an agent of a node nobody has heard of, or one agent too many: not learnt
        }
        agentNodes.put(agent, node);
        if (!entry.agents.contains(agent)) {
            List<String> agents = new ArrayList<>(entry.agents);
            agents.add(agent);
            entry.agents = List.copyOf(agents);
        }
    }

    /** Marks nodes that missed their heartbeats offline and forgets nodes offline too long. */
    synchronized void check() {
        Instant now = clock.instant();
        long nowMillis = now.toEpochMilli();
        List<String> expired = new ArrayList<>();
        // Twice a second over every node: in milliseconds, without a Duration for each
        for (Entry entry : nodes.values()) {
            if (entry.online) {
                long allowed = Math.round(entry.interval * missed * 1000) + GRACE.toMillis();
                if (nowMillis - entry.lastHeard.toEpochMilli() > allowed) {
                    goOffline(entry, now, "missed " + missed + " heartbeats");
                }
            } else if (nowMillis - entry.statusSince.toEpochMilli() > expiry.toMillis()) {
                expired.add(entry.name);
            }
        }
        for (String name : expired) {
            Entry entry = nodes.remove(name);
            agentNodes.values().removeIf(name::equals);
            changes.accept("forgot node " + name + ": offline since " + entry.statusSince + ", over " + expiry.toSeconds() + " s");
        }
    }

    /** Brings back what was persisted: every node offline until heard from again. */
    synchronized void restore(List<Entry> known) {
        Instant now = clock.instant();
        for (Entry entry : known) {
            if (implausible(entry.name, entry.incarnation, entry.interval, now) != null) {
                // written before these checks, or by hand: an incarnation from the future would make
                // the node's own messages look old
                entry.incarnation = Math.min(entry.incarnation, now.toEpochMilli());
                entry.interval = Math.max(MIN_INTERVAL, Math.min(MAX_INTERVAL, entry.interval));
            }
            if (nodes.size() >= maxNodes || !SpawnConfig.NAME.matcher(entry.name).matches()) {
                continue;
            }
            entry.online = false;
            entry.reason = "not heard from since this node started";
            if (entry.statusSince == null || entry.statusSince.isAfter(now)) {
                entry.statusSince = now;
            }
            nodes.put(entry.name, entry);
        }
    }

    /** A new node's entry, making room by forgetting the node offline the longest; null when all are online. */
    private Entry add(String node, Instant now) {
        if (nodes.size() >= maxNodes) {
            Optional<Entry> oldest = nodes.values().stream().filter(e -> !e.online)
                    .min(Comparator.comparing((Entry e) -> e.statusSince));
            if (oldest.isEmpty()) {
                return null;
            }
            nodes.remove(oldest.get().name);
            agentNodes.values().removeIf(oldest.get().name::equals);
            changes.accept("forgot node " + oldest.get().name + " (offline since " + oldest.get().statusSince
                    + ") to make room for node " + node + ": the registry holds at most " + maxNodes + " nodes");
        }
        Entry entry = new Entry(node, now);
        nodes.put(node, entry);
        return entry;
    }

    private String full(String node) {
        return "node " + node + " is not taken in: the registry holds " + maxNodes + " nodes, all online (max.nodes)";
    }

    /** Why a message about {@code node} cannot be true, or null when it can. */
    private static String implausible(String node, long incarnation, double interval, Instant now) {
        if (!SpawnConfig.NAME.matcher(node).matches()) {
            return "'" + node + "' is no node name";
        }
        if (incarnation > now.plus(MAX_AHEAD).toEpochMilli()) {
            return "node " + node + "'s incarnation " + incarnation + " is ahead of this node's clock by over "
                    + MAX_AHEAD.toMinutes() + " minutes";
        }
        if (!(interval >= MIN_INTERVAL && interval <= MAX_INTERVAL)) {
            return "node " + node + "'s heartbeat interval " + interval + " s is outside " + MIN_INTERVAL + " to "
                    + MAX_INTERVAL + " s";
        }
        return null;
    }

    private void goOnline(Entry entry, Instant now) {
        if (!entry.online) {
            entry.online = true;
            entry.reason = null;
            entry.statusSince = now;
            changes.accept("node " + entry.name + " is online (incarnation " + entry.incarnation + ")");
        }
    }

    private void goOffline(Entry entry, Instant now, String reason) {
        if (entry.online) {
            entry.online = false;
            entry.reason = reason;
            entry.statusSince = now;
            changes.accept("node " + entry.name + " is offline: " + reason);
        }
    }

    // ---------------------------------------------------------------- what it tells

    synchronized List<NodeInfo> nodes() {
        return nodes.values().stream().map(FleetView::info).toList();
    }

    synchronized Optional<NodeDetails> node(String name) {
        Entry entry = nodes.get(name);
        return Optional.ofNullable(entry).map(e -> new NodeDetails(info(e), e.agents, e.broker, e.uptimeSeconds,
                e.interval, e.reason, e.statusSince, e.version));
    }

    synchronized Optional<String> nodeOf(String agent) {
        String node = agentNodes.get(agent);
        Entry entry = node == null ? null : nodes.get(node);
        return entry != null && entry.online ? Optional.of(node) : Optional.empty();
    }

    synchronized List<NodeInfo> candidates(Collection<String> requires) {
        return nodes.values().stream()
                .filter(e -> e.online && e.capabilities.containsAll(requires))
                .sorted(Comparator.comparingDouble((Entry e) -> e.cpuPercent < 0 ? Double.MAX_VALUE : e.cpuPercent)
                        .thenComparingInt(e -> e.agents.size())
                        .thenComparing(e -> e.name))
                .map(FleetView::info).toList();
    }

    /** Everything worth keeping across a restart. */
    synchronized List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : nodes.values()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", e.name);
            node.put("incarnation", e.incarnation);
            node.put("capabilities", e.capabilities);
            node.put("cpu_pct", e.cpuPercent);
            node.put("mem_used_mb", e.memoryUsedMb);
            node.put("agents", e.agents);
            node.put("broker", e.broker);
            node.put("runner", e.runner);
            node.put("heartbeat_interval", e.interval);
            node.put("last_seen", e.lastSeen.toString());
            node.put("status_since", e.statusSince.toString());
            out.add(node);
        }
        return out;
    }

    private static NodeInfo info(Entry e) {
        return new NodeInfo(e.name, e.online, e.capabilities, e.cpuPercent, e.memoryUsedMb, e.agents.size(), e.lastSeen,
                e.incarnation, e.runner);
    }

    /** What a node heartbeat says; {@code runner} is {@link NodeInfo#WACTORZ} for one without an incarnation. */
    record Heartbeat(long incarnation, List<String> capabilities, double cpuPercent, long memoryUsedMb,
            List<String> agents, String broker, double uptimeSeconds, double interval, String runner, String version) {

        Heartbeat(long incarnation, List<String> capabilities, double cpuPercent, long memoryUsedMb, List<String> agents,
                String broker, double uptimeSeconds, double interval, String runner) {
            this(incarnation, capabilities, cpuPercent, memoryUsedMb, agents, broker, uptimeSeconds, interval, runner, null);
        }
    }
}
