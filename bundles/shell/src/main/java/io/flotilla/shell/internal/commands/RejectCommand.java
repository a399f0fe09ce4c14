package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.flotilla.runtime.CommandApprovals;

@Service
@Command(scope = "agent", name = "reject", description = "Refuses a command that waits for approval (agent:pending); "
        + "its sender is told.")
public class RejectCommand implements Action {

    @Reference
    CommandApprovals approvals;

    @Argument(index = 0, name = "id", description = "The held command's id, as agent:pending shows it", required = true)
    String id;

    @Override
    public Object execute() {
        if (!approvals.reject(id)) {
            throw new IllegalArgumentException("no command " + id + " waits for approval (agent:pending)");
        }
        System.out.println("Rejected " + id);
        return null;
    }
}
