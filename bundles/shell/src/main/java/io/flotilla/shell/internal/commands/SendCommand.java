package io.flotilla.shell.internal.commands;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.api.Reply;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.Tasks;
import io.flotilla.shell.internal.completers.AgentNameCompleter;

@Service
@Command(scope = "agent", name = "send", description = "Sends a message to an agent by name, on this node or any other, and prints its reply.",
        detailedDescription = "The payload is read as JSON when it is JSON ('{\"add\": 2}', 5, true), else as text (get).")
public class SendCommand implements Action {

    @Reference
    AgentManager agents;

    @Argument(index = 0, name = "name", description = "The agent", required = true)
    @Completion(AgentNameCompleter.class)
    String name;

    @Argument(index = 1, name = "payload", description = "The message", required = true)
    String payload;

    @Option(name = "--timeout", description = "Seconds to wait for the reply")
    double timeout = 30;

    @Option(name = "--async", description = "Print a task id at once; agent:result ID shows how it ended")
    boolean async;

    @Reference(optional = true)
    Tasks tasks;

    @Override
    public Object execute() throws Exception {
        Duration limit = Duration.ofMillis(Math.round(timeout * 1000));
        if (async) {
            if (tasks == null) {
                throw new IllegalStateException("this node keeps no tasks");
            }
            System.out.println(tasks.submit(name, Text.value(payload), limit));
            return null;
        }
        try {
            Reply reply = agents.ask(name, Text.value(payload), limit).toCompletableFuture().get();
            System.out.println(Text.json(reply.value()));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        return null;
    }
}
