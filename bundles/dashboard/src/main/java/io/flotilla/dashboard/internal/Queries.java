package io.flotilla.dashboard.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;

import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.LogEntry;

/** What the page asks for besides the stream: an agent's page, where it could move, the types this node has. */
final class Queries {

    static final int LOG_LINES = 100;

    private final AgentManager agents;
    private final FleetRegistry registry;
    private final FleetFeed feed;
    private final String self;

    Queries(AgentManager agents, FleetRegistry registry, FleetFeed feed, String self) {
        this.agents = agents;
        this.registry = registry;
        this.feed = feed;
        this.self = self;
    }

    /**
     * An agent's row, configuration, persisted state and recent log. This node has all of it for
     * its own agents; of another node's agents it has the configuration of their last manifest and
     * the log lines they published since the page's node started, not their persisted state.
     */
    Map<String, Object> agent(String name) {
        Map<String, Object> row = feed.model().agentRow(name)
                .orElseThrow(() -> new NoSuchElementException("no agent named " + name + " in the fleet"));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("agent", row);
        page.put("local", self.equals(row.get("node")));
        if (self.equals(row.get("node"))) {
            agents.info(name).ifPresent(details -> describe(details, page));
            page.put("log", agents.logs(name, LOG_LINES).stream().map(Queries::line).toList());
        } else {
            feed.messages().config(name).ifPresent(config -> page.put("config", config));
            page.put("log", feed.model().eventsOf(name));
        }
        return page;
    }

    /** The nodes {@code name} could move to, as placement ranks them (least loaded first). */
    List<Map<String, Object>> targets(String name) {
        Map<String, Object> row = feed.model().agentRow(name)
                .orElseThrow(() -> new NoSuchElementException("no agent named " + name + " in the fleet"));
        List<String> requires = self.equals(row.get("node"))
                ? agents.info(name).map(details -> details.config().requires()).orElse(List.of())
                : List.of();
        return registry.candidates(requires).stream()
                .filter(node -> node.speaksFlotilla() && !node.name().equals(row.get("node")))
                .map(Queries::target).toList();
    }

    List<String> types() {
        return List.copyOf(new TreeSet<>(agents.types()));
    }

    private static void describe(AgentDetails details, Map<String, Object> page) {
        page.put("config", details.config().toMap());
        page.put("persisted", details.persisted());
        page.put("detail", details.detail());
        page.put("last_error", details.lastError());
        page.put("last_error_at", details.lastErrorAt() == null ? null : details.lastErrorAt().toString());
        page.put("started_at", details.startedAt() == null ? null : details.startedAt().toString());
        page.put("mailbox", details.mailbox());
        page.put("provider", details.provider());
    }

    private static Map<String, Object> line(LogEntry entry) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", entry.timestamp().toString());
        line.put("severity", entry.severity().toString());
        line.put("message", entry.message());
        return line;
    }

    private static Map<String, Object> target(NodeInfo node) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("name", node.name());
        target.put("cpu", FleetPoll.round(node.cpuPercent()));
        target.put("agent_count", node.agentCount());
        target.put("capabilities", node.capabilities());
        return target;
    }
}
