package io.flotilla.itests.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.function.Predicate;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
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
        return session(command, null, LIMIT);
    }

    /**
     * Runs {@code command} again and again until what it prints satisfies {@code wanted}; returns that.
     * Fails after {@code limit} with what it printed last.
     */
    public String awaitOutput(String command, Predicate<String> wanted, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        String printed = run(command);
        while (!wanted.test(printed)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(command + " did not print what was awaited within " + limit.toSeconds() + " s; last: "
                        + printed.strip());
            }
            Thread.sleep(200); // a poll's pace, not a stand-in for the condition
            printed = run(command);
        }
        return printed;
    }

    /**
     * Runs a command that goes on (such as {@code agent:logs -f}) until what it printed so far satisfies
     * {@code enough}, then ends the session; returns what it printed. Fails when that takes over {@code limit}.
     */
    public String follow(String command, Predicate<String> enough, Duration limit) throws IOException {
        String printed = session(command, enough, limit);
        if (!enough.test(printed)) {
            throw new AssertionError(command + " did not print what was awaited within " + limit.toSeconds() + " s: " + printed);
        }
        return printed;
    }

    private String session(String command, Predicate<String> enough, Duration limit) throws IOException {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            // The node made its host key at start, on loopback: any is its own (and no warning for each session)
            client.setServerKeyVerifier((session, address, key) -> true);
            client.start();
            try (ClientSession session = client.connect(USER, "127.0.0.1", port).verify(LIMIT).getSession()) {
                session.addPasswordIdentity(password);
                session.auth().verify(LIMIT);
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                OutputStream shared = new OutputStream() { // read by this thread while the channel writes
                    @Override
                    public void write(int b) {
                        synchronized (output) {
                            output.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        synchronized (output) {
                            output.write(bytes, offset, length);
                        }
                    }
                };
                try (ChannelExec channel = session.createExecChannel(command)) {
                    channel.setOut(shared);
                    channel.setErr(shared);
                    channel.open().verify(LIMIT);
                    if (enough == null) {
                        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), limit);
                    } else {
                        long end = System.nanoTime() + limit.toNanos();
                        while (!enough.test(printed(output)) && System.nanoTime() < end
                                && !channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 100).contains(
                                        ClientChannelEvent.CLOSED)) {
                            // waitFor bounds each round to 100 ms: the condition is checked ten times a second
                        }
                    }
                }
                return printed(output);
            }
        }
    }

    private static String printed(ByteArrayOutputStream output) {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
        }
    }
}
