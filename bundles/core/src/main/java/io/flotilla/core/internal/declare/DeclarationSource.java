package io.flotilla.core.internal.declare;

import java.nio.file.Path;

/**
 * Something that declares which agents this node runs, and how the log names its agents: a file in
 * {@code deploy/}, the retained desired state, an autostart type.
 *
 * @param id     its key in the ledger: {@code deploy:/path}, {@code desired_state}, {@code autostart:type}
 * @param prefix how a log line names one of its agents, before the name
 * @param suffix after the name
 * @param verb   what it does to an agent: deployed, spawned, started
 */
public record DeclarationSource(String id, String prefix, String suffix, String verb) {

    static final String DEPLOY = "deploy:";

    /** A {@code *.agent.json} file in {@code deploy/}. */
    public static DeclarationSource descriptor(Path file) {
        return new DeclarationSource(DEPLOY + file, "Descriptor " + file + ": agent ", "", "deployed");
    }

    /** The desired state of {@code nodes/{n}/desired_state}. */
    public static DeclarationSource desiredState() {
        return new DeclarationSource("desired_state", "Desired agent ", "", "spawned");
    }

    /** An agent type marked to start one agent of its own. */
    public static DeclarationSource autostart(String type) {
        return new DeclarationSource("autostart:" + type, "Agent ", " of an autostart type", "started");
    }

    /** The file of a {@link #descriptor} source, or null for another kind of source. */
    public Path file() {
        return id.startsWith(DEPLOY) ? Path.of(id.substring(DEPLOY.length())) : null;
    }

    String agent(String name) {
        return prefix + name + suffix;
    }
}
