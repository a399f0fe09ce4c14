package io.flotilla.dashboard.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * What the dashboard shows, as rows of plain values (nodes and agents by name, and the latest
 * events), each stamped with the version of the model that last changed it. A page that has seen
 * version {@code v} gets {@link #since(long)}: the rows changed after it, the names removed after
 * it, and the newer events; a page too far behind (or new) gets everything. Thread-safe.
 */
final class FleetModel {

    static final int MAX_EVENTS = 500;
    /**
     * Agents shown at most: anyone on an open broker can name agents, and no name may grow the model
     * beyond it. Some 20 MiB of rows at most, in a node whose heap is 256 MiB by default.
     */
    static final int MAX_AGENTS = 20_000;
    /** Removals remembered for pages that are behind; beyond it a page that is behind gets everything. */
    static final int MAX_REMOVALS = 20_000;

    private record Versioned(Map<String, Object> data, long version) {
    }

    /** What changed after a version, or everything ({@code full}). */
    record Delta(long version, boolean full, List<Map<String, Object>> nodes, List<String> nodesGone,
            List<Map<String, Object>> agents, List<String> agentsGone, List<Map<String, Object>> events) {

        boolean isEmpty() {
            return !full && nodes.isEmpty() && nodesGone.isEmpty() && agents.isEmpty() && agentsGone.isEmpty()
                    && events.isEmpty();
        }
    }

    private final Map<String, Versioned> nodes = new TreeMap<>();
    private final Map<String, Versioned> agents = new TreeMap<>();
    private final Map<String, Long> nodesGone = new HashMap<>();
    private final Map<String, Long> agentsGone = new HashMap<>();
    private final Deque<Versioned> events = new ArrayDeque<>();
    private long version;
    /** Removals at or before this version are forgotten. */
    private long forgottenUpTo;

    synchronized void node(String name, Map<String, Object> row) {
        put(nodes, nodesGone, name, row);
    }

    synchronized void forgetNode(String name) {
        remove(nodes, nodesGone, name);
    }

    synchronized Set<String> nodeNames() {
        return new TreeSet<>(nodes.keySet());
    }

    /** Changes agent {@code name}'s row: {@code change} gets a copy of it (empty for a new one), or returns null to keep it. */
    synchronized void agent(String name, UnaryOperator<Map<String, Object>> change) {
        Versioned old = agents.get(name);
        if (old == null && agents.size() >= MAX_AGENTS) {
            return;
        }
        Map<String, Object> row = change.apply(old == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old.data()));
        if (row != null) {
            row.put("name", name);
            put(agents, agentsGone, name, row);
        }
    }

    synchronized void forgetAgent(String name) {
        remove(agents, agentsGone, name);
    }

    synchronized Optional<Map<String, Object>> agentRow(String name) {
        Versioned row = agents.get(name);
        return row == null ? Optional.empty() : Optional.of(row.data());
    }

    synchronized List<Map<String, Object>> agentRows() {
        return agents.values().stream().map(Versioned::data).toList();
    }

    synchronized void event(Map<String, Object> event) {
        events.addLast(new Versioned(withoutNulls(event), ++version));
        while (events.size() > MAX_EVENTS) {
            events.removeFirst();
        }
    }

    /** The latest events of one agent, oldest first. */
    synchronized List<Map<String, Object>> eventsOf(String agent) {
        return events.stream().map(Versioned::data).filter(e -> agent.equals(e.get("agent"))).toList();
    }

    synchronized long version() {
        return version;
    }

    synchronized Delta since(long seen) {
        boolean full = seen <= 0 || seen < forgottenUpTo || seen > version;
        long after = full ? 0 : seen;
        return new Delta(version, full, changed(nodes, after), full ? List.of() : gone(nodesGone, after),
                changed(agents, after), full ? List.of() : gone(agentsGone, after),
                events.stream().filter(e -> e.version() > after).map(Versioned::data).toList());
    }

    private void put(Map<String, Versioned> rows, Map<String, Long> gone, String name, Map<String, Object> row) {
        Map<String, Object> values = withoutNulls(row);
        Versioned old = rows.get(name);
        if (old != null && old.data().equals(values)) {
            return;
        }
        rows.put(name, new Versioned(values, ++version));
        gone.remove(name);
    }

    private void remove(Map<String, Versioned> rows, Map<String, Long> gone, String name) {
        if (rows.remove(name) == null) {
            return;
        }
        gone.put(name, ++version);
        if (gone.size() > MAX_REMOVALS) {
            nodesGone.clear();
            agentsGone.clear();
            forgottenUpTo = version;
        }
    }

    private static List<Map<String, Object>> changed(Map<String, Versioned> rows, long after) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Versioned row : rows.values()) {
            if (row.version() > after) {
                out.add(row.data());
            }
        }
        return out;
    }

    private static List<String> gone(Map<String, Long> gone, long after) {
        return gone.entrySet().stream().filter(e -> e.getValue() > after).map(Map.Entry::getKey).toList();
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> row) {
        Map<String, Object> copy = new LinkedHashMap<>(row);
        copy.values().removeIf(Objects::isNull);
        return Collections.unmodifiableMap(copy);
    }
}
