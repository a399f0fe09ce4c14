package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.FleetControl;
import io.flotilla.shell.internal.completers.NodeNameCompleter;
import io.flotilla.shell.internal.completers.AgentNameCompleter;

@Service
@Command(scope = "agent", name = "stop", description = "Stops an agent deliberately: it is not restarted, not even when the node restarts.")
public class StopCommand implements Action {

    @Reference
    AgentManager agents;

    @Argument(index = 0, name = "name", description = "The agent", required = true)
    @Completion(AgentNameCompleter.class)
    String name;

    @Option(name = "--delete", description = "Also forget the agent and delete its persisted state")
    boolean delete;

    @Option(name = "--node", description = "The node the agent runs on (default: this one)")
    @Completion(NodeNameCompleter.class)
    String node;

    @Reference(optional = true)
    FleetControl fleet;

    @Override
    public Object execute() throws Exception {
        if (node != null) {
            if (fleet == null) {
                throw Fleet.noFleet();
            }
            CommandResult result = Fleet.await(fleet.stop(node, name, delete, Fleet.DEFAULT_TIMEOUT), Fleet.DEFAULT_TIMEOUT);
            if (!result.success()) {
                throw new IllegalStateException(result.error());
            }
            System.out.println("Stopped " + name + " on " + node + (delete ? ", deleted it and its state" : ""));
            return null;
        }
        boolean found = delete ? agents.remove(name, true) : agents.stop(name);
        if (!found) {
            throw new IllegalArgumentException("no agent named " + name);
        }
        System.out.println(delete ? "Stopped " + name + " and deleted it and its state" : "Stopped " + name);
        return null;
    }
}
