package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.flotilla.api.AgentInfo;
import io.flotilla.runtime.AgentManager;

@Service
@Command(scope = "agent", name = "list", description = "Lists the agents of this node with their state and restarts.")
public class ListCommand implements Action {

    @Reference
    AgentManager agents;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Type");
        table.column("State");
        table.column("Restarts").alignRight();
        table.column("Node");
        for (AgentInfo agent : agents.list()) {
            table.addRow().addContent(agent.name(), agent.type(), agent.state().wireName(), agent.restartCount(),
                    agent.node());
        }
        table.print(System.out);
        return null;
    }
}
