package io.flotilla.itests.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Wactorz remote runner, unchanged ({@code ../shared/peers/wactorz/remote_runner.py}), as a real
 * peer of a mixed fleet: started with Debian's Python, its paho-mqtt and asyncio-mqtt, and the
 * peer's aiomqtt shim. Its working directory is its own: it writes state files there and in /tmp.
 */
public final class WactorzRunner implements AutoCloseable {

    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    private final String name;
    private final Path log;
    private final Process process;

    private WactorzRunner(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    private static Path peer() {
        return Path.of(System.getProperty("flotilla.peers", "../../shared/peers"), "wactorz").toAbsolutePath().normalize();
    }

    private static String python() {
        return Files.isExecutable(SYSTEM_PYTHON) ? SYSTEM_PYTHON.toString() : "python3";
    }

    /** Why the runner cannot run here, or empty when it can: for a test to skip with that message. */
    public static Optional<String> missing() {
        Path script = peer().resolve("remote_runner.py");
        if (!Files.isRegularFile(script)) {
            return Optional.of("the Wactorz runner is not at " + script + " (../shared/peers/wactorz)");
        }
        try {
            Process check = new ProcessBuilder(python(), "-c", "import paho.mqtt.client, asyncio_mqtt")
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
                return Optional.of("the Wactorz runner's Python packages are missing (apt-get install python3-paho-mqtt "
                        + "python3-asyncio-mqtt): " + output.strip());
            }
        } catch (IOException e) {
            return Optional.of("no python3 to run the Wactorz runner: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while looking for the Wactorz runner's Python packages");
        }
        return Optional.empty();
    }

    /** Starts a runner named {@code name} on the broker at {@code host:port}, working in {@code directory}. */
    public static WactorzRunner start(Path directory, String host, int port, String name) throws IOException {
        Files.createDirectories(directory);
        Path log = directory.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(python(), peer().resolve("remote_runner.py").toString(), "--broker", host,
                "--port", String.valueOf(port), "--name", name)
                .directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PYTHONPATH", peer().resolve("shim").toString());
        return new WactorzRunner(name, log, builder.start());
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What it logged, for an assertion's message. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops it as its operator would (SIGTERM: it stops its agents), then for good if it lingers. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
    }
}
