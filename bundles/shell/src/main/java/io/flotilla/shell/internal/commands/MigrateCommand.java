package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.runtime.MigrationResult;
import io.flotilla.runtime.Migrations;
import io.flotilla.shell.internal.completers.AgentNameCompleter;
import io.flotilla.shell.internal.completers.NodeNameCompleter;

@Service
@Command(scope = "agent", name = "migrate", description = "Moves an agent, with its config, persisted state and waiting messages, to another node. "
        + "It succeeds only once the agent runs there; otherwise the agent goes on where it was.")
public class MigrateCommand implements Action {

    @Reference(optional = true)
    Migrations migrations;

    @Argument(index = 0, name = "name", description = "The agent (on this node or any other)", required = true)
    @Completion(AgentNameCompleter.class)
    String name;

    @Argument(index = 1, name = "node", description = "The node to move it to", required = true)
    @Completion(NodeNameCompleter.class)
    String node;

    @Option(name = "--timeout", description = "Seconds to wait for the move to end")
    double timeout = 120;

    @Override
    public Object execute() throws Exception {
        if (migrations == null) {
            throw new IllegalStateException("this node cannot move agents (feature flotilla-migration)");
        }
        MigrationResult result = Fleet.await(migrations.migrate(name, node, Fleet.seconds(timeout)), Fleet.seconds(timeout));
        if (!result.success()) {
            throw new IllegalStateException("could not move " + name + " to " + node + ": " + result.error());
        }
        System.out.println("Moved " + name + " from " + result.fromNode() + " to " + result.toNode() + " in "
                + result.durationMs() + " ms");
        return null;
    }
}
