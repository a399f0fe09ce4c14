package io.flotilla.itests.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * An operator at a node's Karaf shell over SSH (bin/flotilla --ssh-port), one command a session,
 * as {@code ssh -p PORT karaf@HOST COMMAND} runs it. The node's home gets a user for it with a
 * password made for the test.
 */
public final class OperatorShell {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String USER = "operator";

    private final int port;
    private final String password;

    private OperatorShell(int port, String password) {
        this.port = port;
        this.password = password;
    }

    /** Adds the operator's login to {@code home}'s etc/users.properties; the node must then start with --ssh-port {@code port}. */
    public static OperatorShell allow(Path home, int port) throws IOException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path users = home.resolve("etc/users.properties");
        Files.writeString(users, Files.readString(users) + "\n" + USER + " = " + password + ",_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n");
        return new OperatorShell(port, password);
    }

    /** Runs {@code command}; returns what it printed, errors included. */
    public String run(String command) throws IOException {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE); // the node made its host key at start
            client.start();
            try (ClientSession session = client.connect(USER, "127.0.0.1", port).verify(LIMIT).getSession()) {
                session.addPasswordIdentity(password);
                session.auth().verify(LIMIT);
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                try (ChannelExec channel = session.createExecChannel(command)) {
                    channel.setOut(output);
                    channel.setErr(output);
                    channel.open().verify(LIMIT);
                    channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), LIMIT);
                }
                return output.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
            }
        }
    }
}
