package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.api.AgentInfo;
import io.flotilla.runtime.AgentDetails;
import io.flotilla.runtime.AgentManager;
import io.flotilla.shell.internal.completers.AgentNameCompleter;

@Service
@Command(scope = "agent", name = "info", description = "Shows one agent: state, restarts, uptime, last error, config and persisted state.")
public class InfoCommand implements Action {

    @Reference
    AgentManager agents;

    @Argument(index = 0, name = "name", description = "The agent", required = true)
    @Completion(AgentNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        AgentDetails details = agents.info(name).orElseThrow(() -> new IllegalArgumentException("no agent named " + name
                + agents.departedTo(name).map(node -> " here: it moved to node " + node).orElse("")));
        AgentInfo info = details.info();
        line("Name", info.name());
        line("Actor id", info.actorId());
        line("Type", info.type() + (details.provider() == null ? "" : " from " + details.provider()));
        line("Node", info.node());
        line("State", info.state().wireName() + (details.detail().isEmpty() ? "" : " (" + details.detail() + ")"));
        int restarts = info.restartCount();
        int budget = details.config().maxRestarts();
        line("Restarts", restarts <= budget ? restarts + " of " + budget
                : budget + " of " + budget + ", and a crash more: the budget is spent");
        line("Uptime", details.startedAt() == null ? "-" : Text.duration(details.uptime()));
        line("Started", Text.time(details.startedAt()));
        line("Mailbox", details.mailbox() + " waiting");
        line("Last error", details.lastError() == null ? "-" : details.lastError() + " (" + Text.time(details.lastErrorAt()) + ")");
        System.out.println("Config:");
        System.out.println(indent(Text.json(details.config().toMap())));
        System.out.println("Persisted state:");
        System.out.println(indent(Text.json(details.persisted())));
        return null;
    }

    private static void line(String label, String value) {
        System.out.printf("%-11s %s%n", label + ":", value);
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }
}
