package io.flotilla.shell.internal.commands;

import java.io.PrintStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.LogEntry;
import io.flotilla.shell.internal.completers.AgentNameCompleter;

@Service
@Command(scope = "agent", name = "logs", description = "Shows an agent's log: its own lines, alerts and its supervisor's events.")
public class LogsCommand implements Action {

    @Reference
    AgentManager agents;

    @Reference
    Session session;

    @Argument(index = 0, name = "name", description = "The agent", required = true)
    @Completion(AgentNameCompleter.class)
    String name;

    @Option(name = "-n", aliases = "--lines", description = "How many of the latest lines to show")
    int lines = 50;

    @Option(name = "-f", aliases = "--follow", description = "Keep showing new lines until Ctrl-C")
    boolean follow;

    @Override
    public Object execute() throws Exception {
        if (agents.find(name).isEmpty()) {
            throw new IllegalArgumentException("no agent named " + name);
        }
        if (!follow) {
            agents.logs(name, lines).forEach(entry -> print(System.out, entry)); // a pipe may take it: agent:logs c1 | grep
            return null;
        }
        // Following, each line goes to the operator's console as it comes: the command's own stream is
        // a pipe whose contents reach the console only when the command ends
        PrintStream out = session.getConsole();
        BlockingQueue<LogEntry> fresh = new LinkedBlockingQueue<>();
        try (AutoCloseable following = agents.followLogs(name, fresh::add)) {
            agents.logs(name, lines).forEach(entry -> print(out, entry));
            out.flush();
            while (!Thread.currentThread().isInterrupted()) {
                LogEntry entry = fresh.poll(1, TimeUnit.SECONDS);
                if (entry != null) {
                    print(out, entry);
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            // Ctrl-C: done following
        }
        return null;
    }

    private static void print(PrintStream out, LogEntry entry) {
        out.printf("%s %-7s %s%n", Text.time(entry.timestamp()), entry.severity().wireName(), entry.message());
    }
}
