package io.flotilla.mqtt.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto for tests, on a free loopback port, with Nagle off and persistence in a directory
 * of its own. {@link #require()} skips a test where Mosquitto is not installed, and fails it under
 * {@code CI=true}, where .ci/run installs it.
 */
public final class MosquittoBroker implements AutoCloseable {

    private static final String[] LOCATIONS = {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto",
        "/usr/local/bin/mosquitto"};

    private final Path directory;
    private final int port;
    private final List<String> listenerLines;
    private Process process;

    private MosquittoBroker(Path directory, int port, List<String> listenerLines) {
        this.directory = directory;
        this.port = port;
        this.listenerLines = listenerLines;
    }

    /**
     * Starts a broker that admits only TLS clients with a certificate of the CA in {@code caFile},
     * each known by its certificate's CN ({@code use_identity_as_username}); {@code extraLines} go in
     * its configuration as they are (an {@code acl_file}, say).
     */
    public static MosquittoBroker startTls(Path directory, Path caFile, Path certFile, Path keyFile, String... extraLines)
            throws IOException, InterruptedException {
        List<String> lines = new java.util.ArrayList<>(List.of("cafile " + caFile.toAbsolutePath(),
                "certfile " + certFile.toAbsolutePath(), "keyfile " + keyFile.toAbsolutePath(), "require_certificate true",
                "use_identity_as_username true", "allow_anonymous false"));
        lines.addAll(List.of(extraLines));
        return launched(directory, freePort(), lines);
    }

    /** The mosquitto executable, or null. */
    public static String executable() {
        for (String location : LOCATIONS) {
            if (Files.isExecutable(Path.of(location))) {
                return location;
            }
        }
        return null;
    }

    /** Whether tests can start a Mosquitto here; throws under CI when they cannot. */
    public static boolean require() {
        if (executable() != null) {
            return true;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("mosquitto is not installed; .ci/run installs it (apt-get install mosquitto)");
        }
        return false;
    }

    /** Starts a broker in {@code directory} on a free port and waits until it accepts connections. */
    public static MosquittoBroker start(Path directory) throws IOException, InterruptedException {
        return launched(directory, freePort(), List.of());
    }

    /** Starts a broker for anonymous clients with {@code extraLines} in its configuration: a bridge, say. */
    public static MosquittoBroker startWith(Path directory, String... extraLines) throws IOException, InterruptedException {
        List<String> lines = new java.util.ArrayList<>(List.of("allow_anonymous true"));
        lines.addAll(List.of(extraLines));
        return launched(directory, freePort(), lines);
    }

    /** Starts a broker on a given port (for a node that was told of it before it ran). */
    public static MosquittoBroker startOn(Path directory, int port) throws IOException, InterruptedException {
        return launched(directory, port, List.of());
    }

    /** A broker in {@code directory} on {@code port} with {@code lines} in its configuration, accepting connections. */
    private static MosquittoBroker launched(Path directory, int port, List<String> lines) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        MosquittoBroker broker = new MosquittoBroker(directory, port, lines);
        broker.launch();
        return broker;
    }

    public static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /**
     * {@code count} distinct free ports on loopback, for a test that binds some of them only later:
     * {@link #freePort()} called again may hand out a port that is chosen but not yet bound.
     */
    public static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    private void launch() throws IOException, InterruptedException {
        Path config = directory.resolve("mosquitto.conf");
        Files.writeString(config, String.join("\n",
                "listener " + port + " 127.0.0.1",
                // Started as root, Mosquitto would switch to user mosquitto, who cannot write the
                // persistence and log files of this directory: sessions would not survive a restart.
                "user root",
                listenerLines.isEmpty() ? "allow_anonymous true" : String.join("\n", listenerLines),
                "set_tcp_nodelay true",
                "persistence true",
                "persistence_location " + directory.toAbsolutePath() + "/",
                "max_queued_messages 100000",
                "log_dest file " + directory.resolve("mosquitto.log").toAbsolutePath(),
                "log_type error", "log_type warning", "log_type notice", ""));
        process = new ProcessBuilder(executable(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("mosquitto.out").toFile()))
                .start();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited with " + process.exitValue() + "; see " + directory);
            }
            if (System.nanoTime() > end) {
                throw new IOException("mosquitto did not listen on " + port + " within 20 s");
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts() {
        return listening(port);
    }

    /**
     * Whether something listens on loopback {@code port}. A connection to itself does not count: with
     * nobody listening on an ephemeral port, Linux may pick that very port as the source and connect
     * the socket to itself.
     */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return socket.getLocalPort() != port;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The broker's process id, for reading its memory. */
    public long pid() {
        return process.pid();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Stops it as an operator would (SIGTERM: it saves its persistent sessions). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGKILL, as a crash or a power cut: no client is told, no Will is published, nothing is saved. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port with the same persistence. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
