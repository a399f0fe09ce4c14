package io.flotilla.shell.internal.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.flotilla.api.AgentInfo;
import io.flotilla.runtime.AgentManager;

/** Completes the names of this node's agents. */
@Service
public class AgentNameCompleter implements Completer {

    @Reference
    AgentManager agents;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        agents.list().stream().map(AgentInfo::name).forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
