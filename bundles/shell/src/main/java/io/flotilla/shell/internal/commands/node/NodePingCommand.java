package io.flotilla.shell.internal.commands.node;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.runtime.FleetControl;
import io.flotilla.runtime.FleetRegistry;
import io.flotilla.shell.internal.completers.NodeNameCompleter;

@Service
@Command(scope = "node", name = "ping", description = "Measures the round trip to a node's command topic through the broker.")
public class NodePingCommand implements Action {

    @Reference
    FleetControl fleet;

    @Reference
    FleetRegistry registry;

    @Argument(index = 0, name = "node", description = "The node", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Option(name = "-c", aliases = "--count", description = "How many pings")
    int count = 1;

    @Option(name = "--timeout", description = "Seconds to wait for each answer")
    double timeout = 5;

    @Override
    public Object execute() throws Exception {
        Duration limit = Duration.ofMillis(Math.round(timeout * 1000));
        for (int i = 0; i < count; i++) {
            Duration rtt;
            try {
                rtt = fleet.ping(name, limit).toCompletableFuture().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("no pong from " + name + ": " + why(e.getCause()), e.getCause());
            }
            System.out.printf("pong from %s in %.2f ms%n", name, rtt.toNanos() / 1e6);
        }
        return null;
    }

    /** Why no pong came, in words: no exception's name. */
    private String why(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + timeout + " s" + (registry.node(name).isPresent() ? ""
                    : " (no node of that name is known to this node's fleet registry: node:list shows those it knows)");
        }
        return failure.getMessage();
    }
}
