package io.flotilla.dynamic.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own virtual environment for Python agents' packages ({@code install}): made on the first
 * agent that needs a package, with the system's site packages visible, so that a package the system
 * has already is not fetched. pip runs one at a time, bounded by a timeout; a package it cannot get
 * (no index reachable, no such package) fails the agent's setup, naming the package.
 */
final class PipPackages {

    private static final Logger LOG = LoggerFactory.getLogger(PipPackages.class);
    private static final int SHOWN_OUTPUT = 600;

    private final Path environment;
    private final Path workingDirectory;
    private final Duration timeout;

    /** @param workingDirectory an empty directory of the node's own, where pip runs */
    PipPackages(Path environment, Path workingDirectory, Duration timeout) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.timeout = timeout;
    }

    /** The interpreter of the environment, once it exists. */
    Path python() {
        return environment.resolve("bin").resolve("python3");
    }

    boolean exists() {
        return Files.isExecutable(python());
    }

    synchronized void install(String interpreter, String agent, List<String> packages) throws IOException, InterruptedException {
        if (packages.isEmpty()) {
            return;
        }
        if (!exists()) {
            LOG.info("Making the virtual environment of Python agents' packages in {}", environment);
            run(List.of(interpreter, "-m", "venv", "--system-site-packages", environment.toString()),
                    "could not make a virtual environment for the packages " + packages + " of agent " + agent
                            + " (on Debian: apt-get install python3-venv)");
        }
        List<String> command = new ArrayList<>(List.of(python().toString(), "-m", "pip", "install", "--disable-pip-version-check",
                "--no-input", "--quiet", "--"));
        command.addAll(packages); // each was checked to be a package name, never an option, a path or a URL
        LOG.info("Installing {} for agent {}", String.join(" ", packages), agent);
        run(command, "could not install " + String.join(", ", packages) + " for agent " + agent);
    }

    /** pip's own verdict (its ERROR lines), else the end of what it said: retries and warnings come before it. */
    static String verdict(String output) {
        List<String> errors = output.lines().filter(line -> line.startsWith("ERROR:")).map(String::strip).toList();
        String said = errors.isEmpty() ? output.strip() : String.join(" ", errors);
        return said.length() > SHOWN_OUTPUT ? "…" + said.substring(said.length() - SHOWN_OUTPUT) : said;
    }

    private void run(List<String> command, String failure) throws IOException, InterruptedException {
        Path output = Files.createTempFile("flotilla-pip", ".log");
        try {
            // In an empty directory: nothing pip could take for a local package by its name
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new IOException(failure + ": pip took more than " + timeout.toSeconds() + " s (packages.timeout)");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly(); // no pip may go on writing the environment once the next one starts
                throw e;
            }
            if (process.exitValue() != 0) {
                throw new IOException(failure + ": " + verdict(Files.readString(output, StandardCharsets.UTF_8)));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
