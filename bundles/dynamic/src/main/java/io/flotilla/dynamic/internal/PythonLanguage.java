package io.flotilla.dynamic.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentConfig;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.util.Json;

/**
 * Python agents from source, the Wactorz runner's own code: each run in a python3 child of its own
 * ({@link PythonAgent}), with the runner's agent API ({@code flotilla_agent.py}) bridged to the node.
 * A child per agent rather than one interpreter for all: one agent's crash, hang or leak ends with its
 * process, and the node's supervisor restarts exactly that agent (BENCHMARKS.md has the cost per child).
 */
@Component(service = PythonLanguage.class, configurationPid = DynamicConfig.PID)
@Designate(ocd = DynamicConfig.class)
public final class PythonLanguage implements SourceLanguage {

    private static final Logger LOG = LoggerFactory.getLogger(PythonLanguage.class);
    static final String SHIM = "flotilla_agent.py";

    private final String interpreter;
    private final Path directory;
    private final Path shim;
    private final PipPackages packages;
    private final Json json = new Json();
    private volatile String missing;

    @Activate
    public PythonLanguage(DynamicConfig config, @Reference NodeIdentity node) throws IOException {
        this(config.python_executable().trim(), node.dataDirectory().resolve("python"),
                Duration.ofSeconds(Math.max(1, config.packages_timeout())));
    }

    PythonLanguage(String interpreter, Path directory, Duration packagesTimeout) throws IOException {
        this.interpreter = interpreter;
        this.directory = directory;
        this.shim = directory.resolve(SHIM);
        this.packages = new PipPackages(directory.resolve("venv"), directory.resolve("pip"), packagesTimeout);
        Files.createDirectories(directory.resolve("pip"));
        try (InputStream source = PythonLanguage.class.getResourceAsStream(SHIM)) {
            if (source == null) {
                throw new IOException(SHIM + " is missing from this bundle");
            }
            Files.copy(source, shim, StandardCopyOption.REPLACE_EXISTING);
        }
        this.missing = probe(interpreter);
        if (missing != null) {
            LOG.warn("Python agents from source cannot run on this node: {}", missing);
        }
    }

    @Override
    public Agent agentFor(AgentConfig config) {
        String problem = missing == null ? null : probe(interpreter); // installed since? then it works from now on
        missing = problem;
        if (problem != null) {
            throw new IllegalStateException("this node cannot run Python agents: " + problem);
        }
        return new PythonAgent(this, json);
    }

    void installPackages(String agent, List<String> wanted) throws IOException, InterruptedException {
        packages.install(interpreter, agent, wanted);
    }

    PythonChild startChild(String agent, Map<String, Object> start, PythonChild.Requests requests, Consumer<String> printed)
            throws IOException {
        String python = packages.exists() ? packages.python().toString() : interpreter;
        return PythonChild.start(agent, List.of(python, "-u", shim.toString()), directory, start, json, requests, printed);
    }

    /** Why {@code interpreter} cannot run agents, or null when it can (a Python 3.8 or later). */
    private static String probe(String interpreter) {
        try {
            Process process = new ProcessBuilder(interpreter, "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 3)")
                    .redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return interpreter + " did not answer within 10 s";
            }
            return process.exitValue() == 0 ? null
                    : interpreter + " is older than Python 3.8 (python.executable of " + DynamicConfig.PID + ")";
        } catch (IOException e) {
            return "there is no " + interpreter + " (install python3, or set python.executable of " + DynamicConfig.PID + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while looking for " + interpreter;
        }
    }
}
