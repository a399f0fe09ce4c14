package io.flotilla.shell.internal.commands.node;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.runtime.NodeDetails;
import io.flotilla.shell.internal.completers.NodeNameCompleter;

@Service
@Command(scope = "node", name = "info", description = "Shows one node: status, capabilities, load, incarnation and its agents.")
public class NodeInfoCommand implements Action {

    @Reference
    FleetRegistry registry;

    @Argument(index = 0, name = "node", description = "The node", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        NodeDetails details = registry.node(name).orElseThrow(() -> new IllegalArgumentException("no node named " + name
                + " in the fleet"));
        NodeInfo node = details.info();
        Instant now = Instant.now();
        line("Name", node.name());
        line("Status", (node.online() ? "online" : "offline") + (details.statusReason() == null ? "" : " (" + details.statusReason() + ")")
                + " since " + NodeListCommand.ago(details.statusSince(), now));
        line("Runner", node.speaksFlotilla() ? node.runner()
                : node.runner() + " (takes spawns and tasks; no migration handoff, no retained status)");
        line("Incarnation", String.valueOf(node.incarnation()));
        line("Capabilities", String.join(", ", node.capabilities()));
        line("CPU", node.cpuPercent() < 0 ? "-" : String.format("%.1f %%", node.cpuPercent()));
        line("Memory", node.memoryUsedMb() < 0 ? "-" : node.memoryUsedMb() + " MB used");
        line("Uptime", String.format("%.0f s", details.uptimeSeconds()));
        line("Heartbeat", "every " + details.heartbeatInterval() + " s, last " + NodeListCommand.ago(node.lastSeen(), now));
        line("Broker", details.broker() == null ? "-" : details.broker());
        line("Version", details.version() == null ? "-" : details.version());
        line("Agents", details.agents().isEmpty() ? "none" : String.join(", ", details.agents()));
        return null;
    }

    private static void line(String label, String value) {
        System.out.printf("%-13s %s%n", label + ":", value);
    }
}
