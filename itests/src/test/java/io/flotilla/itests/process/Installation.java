package io.flotilla.itests.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The built assembly, unpacked as a user would unpack it. */
public final class Installation {

    private final Path root;

    private Installation(Path root) {
        this.root = root;
    }

    /** Unpacks the assembly archive under {@code flotilla.work}/{@code name} (afresh each time). */
    public static Installation unpack(String name) throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("flotilla.assembly"));
        Path into = Path.of(System.getProperty("flotilla.work", "target/work"), name).toAbsolutePath();
        deleteRecursively(into);
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IOException("could not unpack " + archive + ": " + new String(tar.getInputStream().readAllBytes()));
        }
        try (var entries = Files.list(into)) {
            return new Installation(entries.filter(p -> p.getFileName().toString().startsWith("flotilla-assembly-"))
                    .findFirst().orElseThrow(() -> new IOException(archive + " holds no flotilla-assembly-* folder")));
        }
    }

    public Path root() {
        return root;
    }

    public Path launcher() {
        return root.resolve("bin/flotilla");
    }

    /** Runs {@code bin/flotilla} with {@code args} to its end; for commands that do not start a node. */
    public Result run(Duration limit, String... args) throws IOException, InterruptedException {
        return runWithInput(limit, "", args);
    }

    /** {@link #run}, with {@code input} on its standard input. */
    public Result runWithInput(Duration limit, String input, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = launcher().toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/flotilla " + String.join(" ", args) + " did not end within " + limit.toSeconds() + " s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes()));
    }

    /** How a command ended. */
    public record Result(int exitCode, String output) {
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
