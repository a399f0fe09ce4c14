package io.flotilla.runtime;

import java.util.Objects;

/**
 * Where a command came from: what the intake reports refusals to, and what authorization will
 * decide on.
 *
 * @param channel   how it arrived
 * @param source    where exactly: the MQTT topic, the file, the shell or API caller
 * @param requestId the sender's id for the command, when it gave one: a command whose id was seen
 *                  lately is run once only
 * @param retained  whether it came as a retained MQTT message
 * @param kept      whether the node kept it on disk when it came and runs it now, after a stop that
 *                  came first: a signed command's nonce, taken by this node for it then, is its own
 * @since 2.2.0 (kept)
 */
public record CommandOrigin(Channel channel, String source, String requestId, boolean retained, boolean kept) {

    public CommandOrigin {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(source, "source");
    }

    /** A command as it arrives, as before 2.2.0. */
    public CommandOrigin(Channel channel, String source, String requestId, boolean retained) {
        this(channel, source, requestId, retained, false);
    }

    /** This command, kept by the node when it came, run after the node stopped before it was done. */
    public CommandOrigin keptFromBefore() {
        return new CommandOrigin(channel, source, requestId, retained, true);
    }

    /** How a command reached the node. */
    public enum Channel {
        /** A node command topic, {@code nodes/{n}/...}. */
        MQTT,
        /** A file in {@code deploy/}. */
        DEPLOY,
        /** A Karaf shell command. */
        SHELL,
        /** A Java caller of the node's services. */
        API
    }

    /** A command from Java code of this node, such as another component. */
    public static CommandOrigin api(String caller) {
        return new CommandOrigin(Channel.API, caller, null, false);
    }

    /** A command typed in the Karaf shell. */
    public static CommandOrigin shell(String command) {
        return new CommandOrigin(Channel.SHELL, command, null, false);
    }

    /** What a file in {@code deploy/} declares. */
    public static CommandOrigin deploy(String file) {
        return new CommandOrigin(Channel.DEPLOY, file, null, false);
    }

    /** A message on an MQTT command topic. */
    public static CommandOrigin mqtt(String topic, String requestId, boolean retained) {
        return new CommandOrigin(Channel.MQTT, topic, requestId, retained);
    }
}
