package io.flotilla.dashboard.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.NodeDetails;

/**
 * Brings the model up to date with the node's own view, a few times a second: every node of the
 * fleet registry (an online/offline change is an event too), this node's agents from its agent
 * manager, and the end of other nodes' agents that their node's latest heartbeat no longer lists.
 */
final class FleetPoll {

    private final FleetModel model;
    private final FleetMessages messages;
    private final FleetRegistry registry;
    private final AgentManager agents;
    private final String self;
    private final Clock clock;
    private final Map<String, Boolean> wasOnline = new HashMap<>();

    FleetPoll(FleetModel model, FleetMessages messages, FleetRegistry registry, AgentManager agents, String self, Clock clock) {
        this.model = model;
        this.messages = messages;
        this.registry = registry;
        this.agents = agents;
        this.self = self;
        this.clock = clock;
    }

    /** One round; called by one thread at a time. */
    void run() {
        long lookedAt = clock.millis();
        Map<String, NodeDetails> nodes = new HashMap<>();
        for (NodeInfo info : registry.nodes()) {
            registry.node(info.name()).ifPresent(details -> nodes.put(info.name(), details));
        }
        nodes.values().forEach(this::node);
        for (String known : model.nodeNames()) {
            if (!nodes.containsKey(known)) {
                model.forgetNode(known);
                wasOnline.remove(known);
            }
        }
        Set<String> local = localAgents();
        for (Map<String, Object> row : model.agentRows()) {
            String name = (String) row.get("name");
            String node = (String) row.get("node");
            if (self.equals(node) ? !local.contains(name) : gone(name, nodes.get(node), lookedAt)) {
                model.forgetAgent(name);
                messages.forget(name);
            }
        }
    }

    private void node(NodeDetails details) {
        NodeInfo info = details.info();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", info.name());
        row.put("self", info.name().equals(self));
        row.put("online", info.online());
        row.put("runner", info.runner());
        row.put("capabilities", info.capabilities());
        row.put("cpu", info.cpuPercent() < 0 ? null : round(info.cpuPercent()));
        row.put("memory_mb", info.memoryUsedMb() < 0 ? null : info.memoryUsedMb());
        row.put("agent_count", info.agentCount());
        row.put("last_seen", info.lastSeen() == null ? null : info.lastSeen().toString());
        row.put("incarnation", info.incarnation());
        row.put("version", details.version());
        row.put("broker", details.broker());
        row.put("uptime_s", Math.round(details.uptimeSeconds()));
        row.put("reason", details.statusReason());
        row.put("status_since", details.statusSince() == null ? null : details.statusSince().toString());
        model.node(info.name(), row);
        Boolean before = wasOnline.put(info.name(), info.online());
        if (before != null && before != info.online()) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("kind", "node");
            event.put("time", clock.instant().toString());
            event.put("node", info.name());
            event.put("severity", info.online() ? "info" : "warning");
            event.put("message", info.online() ? "node " + info.name() + " is online"
                    : "node " + info.name() + " is offline" + (details.statusReason() == null ? "" : " (" + details.statusReason() + ")"));
            model.event(event);
        }
    }

    private Set<String> localAgents() {
        Set<String> names = new HashSet<>();
        for (AgentInfo agent : agents.list()) {
            names.add(agent.name());
            model.agent(agent.name(), row -> {
                String state = agent.state().wireName();
                if (agent.state() == AgentState.RUNNING && !state.equals(row.get("state"))) {
                    row.put("since", agents.info(agent.name()).map(AgentDetails::startedAt).map(Instant::toString)
                            .orElse(clock.instant().toString()));
                }
                row.put("actor_id", agent.actorId());
                row.put("node", self);
                row.put("type", agent.type());
                row.put("state", state);
                row.put("restarts", agent.restartCount());
                row.put("cpu", round(agent.cpuPercent()));
                row.put("epoch", agent.epoch());
                return row;
            });
        }
        return names;
    }

    /**
     * Whether an agent of another node is gone: its node is forgotten, or its node's latest heartbeat,
     * newer than any word of the agent, leaves it out. Not an agent heard of since the registry was
     * read ({@code lookedAt}): its node's first heartbeat may have come just after.
     */
    private boolean gone(String name, NodeDetails node, long lookedAt) {
        if (messages.heardOf(name) >= lookedAt - 1000) {
            return false;
        }
        if (node == null) {
            return true;
        }
        Instant lastSeen = node.info().lastSeen();
        List<String> listed = node.agents();
        return node.info().online() && lastSeen != null && listed != null && !listed.contains(name)
                && lastSeen.toEpochMilli() > messages.heardOf(name) + 1000;
    }

    /** A percentage as the page shows it, to one decimal. */
    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
