package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.runtime.TaskStatus;
import io.flotilla.runtime.Tasks;

@Service
@Command(scope = "agent", name = "result", description = "Shows how a task sent with agent:send --async ended: pending, done (with its result) or failed.")
public class ResultCommand implements Action {

    @Reference
    Tasks tasks;

    @Argument(index = 0, name = "id", description = "The task id agent:send --async printed", required = true)
    String id;

    @Override
    public Object execute() {
        TaskStatus status = tasks.status(id).orElseThrow(() -> new IllegalArgumentException("no task " + id
                + " (tasks are kept for an hour)"));
        System.out.println("Task:   " + status.id() + " to " + status.agent());
        System.out.println("Status: " + status.state().name().toLowerCase());
        switch (status.state()) {
            case DONE -> System.out.println("Result: " + Text.json(status.result()));
            case FAILED -> System.out.println("Error:  " + status.error());
            case PENDING -> System.out.println("Sent:   " + Text.time(status.submitted()));
        }
        return null;
    }
}
