package io.flotilla.shell.internal.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.flotilla.api.NodeInfo;
import io.flotilla.runtime.FleetRegistry;

/** Completes the names of the nodes this node knows. */
@Service
public class NodeNameCompleter implements Completer {

    @Reference(optional = true)
    FleetRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        if (registry != null) {
            registry.nodes().stream().map(NodeInfo::name).forEach(names.getStrings()::add);
        }
        return names.complete(session, commandLine, candidates);
    }
}
