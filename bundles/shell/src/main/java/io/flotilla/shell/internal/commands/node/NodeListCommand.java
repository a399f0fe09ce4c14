package io.flotilla.shell.internal.commands.node;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.FleetRegistry;

@Service
@Command(scope = "node", name = "list", description = "Lists the nodes of the fleet as this node knows them: status, capabilities, load, agents.")
public class NodeListCommand implements Action {

    @Reference
    FleetRegistry registry;

    @Option(name = "-s", aliases = "--summary", description = "Prints only how many nodes are online and offline and how "
            + "many agents the online ones hold: one line, for fleets too big to list")
    boolean summary;

    @Override
    public Object execute() {
        if (summary) {
            System.out.println(summary(registry.nodes()));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Status");
        table.column("Capabilities");
        table.column("CPU %").alignRight();
        table.column("Memory MB").alignRight();
        table.column("Agents").alignRight();
        table.column("Last seen");
        table.column("Runner");
        Instant now = Instant.now();
        for (NodeInfo node : registry.nodes()) {
            table.addRow().addContent(node.name(), node.online() ? "online" : "offline",
                    String.join(", ", node.capabilities()), node.cpuPercent() < 0 ? "-" : String.format("%.1f", node.cpuPercent()),
                    node.memoryUsedMb() < 0 ? "-" : node.memoryUsedMb(), node.agentCount(), ago(node.lastSeen(), now),
                    node.runner());
        }
        table.print(System.out);
        return null;
    }

    /** {@code 1000 nodes: 998 online, 2 offline; 9980 agents on the online nodes}. */
    static String summary(List<NodeInfo> nodes) {
        long online = nodes.stream().filter(NodeInfo::online).count();
        long agents = nodes.stream().filter(NodeInfo::online).mapToLong(NodeInfo::agentCount).sum();
        return nodes.size() + " nodes: " + online + " online, " + (nodes.size() - online) + " offline; " + agents
                + " agents on the online nodes";
    }

    static String ago(Instant then, Instant now) {
        if (then == null) {
            return "-";
        }
        long seconds = Duration.between(then, now).toSeconds();
        if (seconds < 120) {
            return Math.max(0, seconds) + " s ago";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min ago";
        }
        return seconds / 3600 + " h ago";
    }
}
