package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.runtime.CommandApprovals;
import io.flotilla.runtime.CommandResult;

@Service
@Command(scope = "agent", name = "approve", description = "Runs a command that waits for approval (agent:pending); "
        + "its result goes to its sender too.")
public class ApproveCommand implements Action {

    @Reference
    CommandApprovals approvals;

    @Argument(index = 0, name = "id", description = "The held command's id, as agent:pending shows it", required = true)
    String id;

    @Option(name = "--timeout", description = "Seconds to wait for the command's result")
    double timeout = 120;

    @Override
    public Object execute() throws Exception {
        CommandResult result = Fleet.await(approvals.approve(id), Fleet.seconds(timeout));
        if (!result.success()) {
            throw new IllegalStateException("command " + id + " ran and failed: " + result.error());
        }
        System.out.println("Approved " + id + ": " + Text.json(result.fields()));
        return null;
    }
}
