package io.flotilla.shell.internal.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.flotilla.runtime.AgentManager;

/** Completes the agent types available on this node. */
@Service
public class AgentTypeCompleter implements Completer {

    @Reference
    AgentManager agents;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter types = new StringsCompleter();
        types.getStrings().addAll(agents.types());
        return types.complete(session, commandLine, candidates);
    }
}
