package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.runtime.AgentManager;
import io.flotilla.shell.internal.completers.AgentNameCompleter;

@Service
@Command(scope = "agent", name = "restart", description = "Starts an agent again with a fresh restart budget, whatever its state (also a stopped or failed one).")
public class RestartCommand implements Action {

    @Reference
    AgentManager agents;

    @Argument(index = 0, name = "name", description = "The agent", required = true)
    @Completion(AgentNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        if (!agents.restart(name)) {
            throw new IllegalArgumentException("no agent named " + name);
        }
        System.out.println("Restarting " + name);
        return null;
    }
}
