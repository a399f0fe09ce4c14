package io.flotilla.itests.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One node started with {@code bin/flotilla --home}, its console written to {@code console.log} in
 * its home. {@link #stop()} sends SIGTERM, as systemd or Ctrl-C would.
 */
public final class NodeProcess implements AutoCloseable {

    public static final Duration BOOT_LIMIT = Duration.ofSeconds(90);

    private final String name;
    private final Path home;
    private final Path console;
    private final Process process;

    private NodeProcess(String name, Path home, Process process) {
        this.name = name;
        this.home = home;
        this.console = home.resolve("console.log");
        this.process = process;
    }

    /** Starts {@code bin/flotilla --name name --home home extraArgs...}. */
    public static NodeProcess start(Installation installation, String name, Path home, String... extraArgs)
            throws IOException {
        return start(List.of(), installation, name, home, Map.of(), extraArgs);
    }

    /** {@link #start}, with {@code environment} added to the launcher's (JAVA_OPTS, say). */
    public static NodeProcess start(Installation installation, String name, Path home, Map<String, String> environment,
            String... extraArgs) throws IOException {
        return start(List.of(), installation, name, home, environment, extraArgs);
    }

    /**
     * {@link #start}, as the foreground job of a terminal has it: with SIGINT not ignored, whatever the
     * test runs under (a job started in the background ignores SIGINT, and so would the node, which
     * cannot undo that). The launcher execs the JVM, so Ctrl-C reaches the node's process.
     */
    public static NodeProcess startInForeground(Installation installation, String name, Path home, String... extraArgs)
            throws IOException {
        return start(List.of("python3", "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                + "os.execv(sys.argv[1], sys.argv[1:])"), installation, name, home, Map.of(), extraArgs);
    }

    private static NodeProcess start(List<String> wrapper, Installation installation, String name, Path home,
            Map<String, String> environment, String... extraArgs) throws IOException {
        prepareHome(installation, home);
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(installation.launcher().toString(), "--name", name, "--home", home.toString()));
        command.addAll(List.of(extraArgs));
        Path console = home.resolve("console.log");
        Files.deleteIfExists(console);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new NodeProcess(name, home, process);
    }

    /**
     * Sets {@code key} in {@code etc/file} of the instance at {@code home} before it starts, as an
     * operator edits its configuration: an earlier value (continuation lines included) is replaced.
     */
    public static void configure(Installation installation, Path home, String file, String key, String value)
            throws IOException {
        prepareHome(installation, home);
        Path cfg = home.resolve("etc").resolve(file);
        List<String> kept = new ArrayList<>();
        boolean continuing = false;
        for (String line : Files.exists(cfg) ? Files.readAllLines(cfg) : List.<String>of()) {
            boolean ours = continuing || line.matches("\\s*" + java.util.regex.Pattern.quote(key) + "\\s*[=:].*");
            continuing = ours && line.endsWith("\\");
            if (!ours) {
                kept.add(line);
            }
        }
        kept.add(key + " = " + value);
        Files.write(cfg, kept);
    }

    /**
     * Creates the instance's etc/ the way bin/flotilla would, unless it exists, then shortens the
     * heartbeat to one second, as an operator may: tests then need not wait out ten-second intervals.
     */
    public static void prepareHome(Installation installation, Path home) throws IOException {
        Files.createDirectories(home);
        Path etc = home.resolve("etc");
        if (Files.exists(etc.resolve("config.properties"))) {
            return;
        }
        try (var files = Files.walk(installation.root().resolve("etc"))) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = etc.resolve(installation.root().resolve("etc").relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path nodeCfg = etc.resolve("io.flotilla.node.cfg");
        Files.writeString(nodeCfg, Files.readString(nodeCfg).replace("heartbeat.interval = 10", "heartbeat.interval = 1"));
    }

    public String name() {
        return name;
    }

    public Path home() {
        return home;
    }

    public Path data() {
        return home.resolve("data/flotilla");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** What the node printed so far, without terminal colours. */
    public String console() {
        try {
            return Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "") : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the console shows {@code text}; fails early when the node dies. */
    public void awaitConsole(String text, Duration limit) {
        await("node " + name + " to print '" + text + "'", limit, () -> console().contains(text));
    }

    /** Waits until the agent manager runs. */
    public NodeProcess awaitStarted() {
        awaitConsole("Agent manager of node " + name + " started", BOOT_LIMIT);
        return this;
    }

    public void await(String what, Duration limit, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("node " + name + " died (exit " + process.exitValue() + ") while waiting for "
                        + what + "; console:\n" + tail());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what
                        + "; console:\n" + tail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * Lines of the node's log that show broken wiring: framework errors, components DS could not
     * create. A healthy node has none.
     */
    public List<String> wiringErrors() {
        Path log = home.resolve("data/log/karaf.log");
        try {
            if (!Files.exists(log)) {
                return List.of();
            }
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("FrameworkEvent ERROR") || line.contains("Error during instantiation")
                            || line.contains("Could not get service from ref"))
                    .toList();
        } catch (IOException e) {
            return List.of("could not read " + log + ": " + e);
        }
    }

    /**
     * When the node printed the first console line containing {@code text}, as the console's own
     * time of day ({@code HH:mm:ss.SSS}); empty when no line has it yet.
     */
    public Optional<LocalTime> printedAt(String text) {
        return console().lines().filter(line -> line.contains(text)).findFirst()
                .map(line -> LocalTime.parse(line.substring(0, line.indexOf(' '))));
    }

    /** Waits for the node to end by itself; returns its exit code. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("node " + name + " still runs after " + limit.toSeconds() + " s; console:\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the JVM to end; returns its exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("node " + name + " did not stop within 60 s of SIGTERM; console:\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGINT, as Ctrl-C in the node's terminal sends it (see {@link #startInForeground}); returns the exit code. */
    public int interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start().waitFor();
        return awaitExit(Duration.ofSeconds(60));
    }

    /** SIGKILL: the node dies without a word. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private String tail() {
        String all = console();
        return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
