package io.flotilla.shell.internal.commands;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.flotilla.runtime.CommandApprovals;

@Service
@Command(scope = "agent", name = "pending", description = "The commands from the broker that wait for an operator's approval "
        + "(approval.kinds of io.flotilla.security.cfg): agent:approve ID runs one, agent:reject ID refuses it.")
public class PendingCommand implements Action {

    @Reference
    CommandApprovals approvals;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Command");
        table.column("From");
        table.column("Received");
        table.column("Expires");
        for (CommandApprovals.PendingCommand held : approvals.pending()) {
            table.addRow().addContent(held.id(), held.summary(), held.origin(), Text.time(held.received()),
                    Text.time(held.expires()));
        }
        table.print(System.out);
        return null;
    }
}
