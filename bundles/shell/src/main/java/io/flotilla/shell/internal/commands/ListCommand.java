package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.shell.internal.completers.NodeNameCompleter;

@Service
@Command(scope = "agent", name = "list", description = "Lists the agents of this node (or of --node N, or of --all nodes) with their state and restarts.")
public class ListCommand implements Action {

    @Reference
    AgentManager agents;

    @Reference(optional = true)
    FleetControl fleet;

    @Reference(optional = true)
    FleetRegistry registry;

    @Option(name = "--node", description = "List the agents of that node instead of this one's")
    @Completion(NodeNameCompleter.class)
    String node;

    @Option(name = "--all", description = "List the agents of every online node")
    boolean all;

    @Option(name = "--timeout", description = "Seconds to wait for each node")
    double timeout = 10;

    @Override
    public Object execute() throws Exception {
        List<AgentInfo> listed = new ArrayList<>();
        if (node == null && !all) {
            listed.addAll(agents.list());
        } else {
            if (fleet == null || registry == null) {
                throw Fleet.noFleet();
            }
            List<String> nodes = all ? registry.nodes().stream().filter(NodeInfo::online).map(NodeInfo::name).toList()
                    : List.of(node);
            List<CompletionStage<List<AgentInfo>>> answers = new ArrayList<>();
            for (String target : nodes) {
                answers.add(fleet.agents(target, Fleet.seconds(timeout)));
            }
            for (int i = 0; i < nodes.size(); i++) {
                try {
                    listed.addAll(Fleet.await(answers.get(i), Fleet.seconds(timeout)));
                } catch (Exception e) {
                    if (!all) {
                        throw e;
                    }
                    System.err.println(nodes.get(i) + ": " + e.getMessage());
                }
            }
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Type");
        table.column("State");
        table.column("Restarts").alignRight();
        table.column("Node");
        for (AgentInfo agent : listed) {
            table.addRow().addContent(agent.name(), agent.type(), agent.state().wireName(), agent.restartCount(),
                    agent.node());
        }
        table.print(System.out);
        return null;
    }
}
