package io.flotilla.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.security.auth.Subject;

import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.BundleContext;

import io.flotilla.api.AgentInfo;
import io.flotilla.api.AgentState;
import io.flotilla.runtime.AgentManager;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;

/**
 * The base of the Pax Exam tests: boots the built Flotilla assembly (offline, SSH off, Maven
 * resolution from the build's local repository only), and offers shell commands and waits with
 * deadlines. Each test class gets one container.
 */
public abstract class FlotillaTestSupport {

    protected static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected AgentManager agents;

    private final ExecutorService commands = Executors.newSingleThreadExecutor();

    @Configuration
    public Option[] config() {
        Path fixtures = Path.of(System.getProperty("flotilla.work", "target/work"), "fixtures").toAbsolutePath();
        Fixtures.buildAll(fixtures);
        String brokerPort = String.valueOf(freePort());
        Option[] base = new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl("file:" + System.getProperty("flotilla.assembly"))
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false)
                    .name("Flotilla"),
            configureConsole().ignoreLocalConsole(),
            configureConsole().ignoreRemoteShell(),
            logLevel(LogLevel.INFO),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", " "),
            editConfigurationFilePut("etc/io.flotilla.node.cfg", "node.name", "itest-node"),
            // Flotilla's quick cycle after a failed process(), for restarts within the tests' waits; the
            // default Wactorz pauses (2, 4, 8, 16 s) are checked by the self-test and the unit tests
            editConfigurationFilePut("etc/io.flotilla.agents.cfg", "process.backoff", "poll"),
            // The fixtures' directory is one the node may take code from, as an operator would allow one.
            editConfigurationFilePut("etc/io.flotilla.security.cfg", "bundle.locations",
                    "mvn:io.flotilla/, mvn:io.flotilla.fixtures/, file:${karaf.base}/deploy/, file:" + fixtures + "/"),
            // The node hosts its embedded broker on a port of its own, never a broker of the machine.
            editConfigurationFilePut("etc/io.flotilla.broker.cfg", "port", brokerPort),
            editConfigurationFilePut("etc/io.flotilla.mqtt.cfg", "broker.port", brokerPort),
            systemProperty("flotilla.fixtures").value(fixtures.toString()),
            systemProperty("flotilla.assembly").value(System.getProperty("flotilla.assembly")),
            systemProperty("flotilla.work").value(Path.of(System.getProperty("flotilla.work", "target/work")).toAbsolutePath().toString()),
            systemProperty("flotilla.test.broker.port").value(brokerPort),
        };
        Option[] extra = extraOptions();
        Option[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /**
     * Closes {@code parts}, in order, when this container's JVM ends: the processes a test class starts
     * once for all its methods. Not @AfterClass: Pax Exam runs each test method as its own JUnit
     * request, so class rules fire after every method.
     */
    protected static void closeWhenTheContainerEnds(AutoCloseable... parts) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable part : parts) {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("Could not stop " + part + ": " + e);
                }
            }
        }));
    }

    /** Options a test class adds to the container's. */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    /** The port of the broker the container's node hosts. */
    protected static int brokerPort() {
        return Integer.parseInt(System.getProperty("flotilla.test.broker.port"));
    }

    protected static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @After
    public void stopCommands() {
        commands.shutdownNow();
    }

    /** Runs a shell command as an operator would type it; returns what it printed. Fails on a command error. */
    protected String executeCommand(String command) {
        awaitCommand(command.trim().split("\\s+", 2)[0]);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, printer, printer);
        // As an operator with the shell roles: some commands (feature:uninstall, ...) need admin.
        Subject operator = new Subject();
        operator.getPrincipals().add(new UserPrincipal("itest"));
        for (String role : new String[] {"admin", "manager", "viewer", "systembundles"}) {
            operator.getPrincipals().add(new RolePrincipal(role));
        }
        Future<Object> result = commands.submit(
                () -> Subject.doAs(operator, (PrivilegedExceptionAction<Object>) () -> session.execute(command)));
        try {
            Object value = result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (value != null) {
                printer.println(value);
            }
            return output.toString(StandardCharsets.UTF_8);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof PrivilegedActionException privileged ? privileged.getCause() : e.getCause();
            throw new CommandFailed(command, cause);
        } catch (Exception e) {
            throw new AssertionError("command '" + command + "' did not complete: " + e, e);
        } finally {
            session.close();
        }
    }

    /** Karaf registers a bundle's commands once their services are there, which may be after the test starts. */
    private void awaitCommand(String scopedName) {
        int colon = scopedName.indexOf(':');
        if (colon > 0) {
            String scope = scopedName.substring(0, colon);
            String name = scopedName.substring(colon + 1);
            await("the command " + scopedName, () -> sessionFactory.getRegistry().getCommand(scope, name) != null);
        }
    }

    /** Runs a command that must fail; returns how. (The container's JUnit 4.12 has no assertThrows.) */
    protected CommandFailed commandFails(String command) {
        try {
            String output = executeCommand(command);
            throw new AssertionError("'" + command + "' should have failed, but printed: " + output);
        } catch (CommandFailed expected) {
            return expected;
        }
    }

    /** A shell command ended with an error, as the operator would see it. */
    protected static final class CommandFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandFailed(String command, Throwable cause) {
            super("'" + command + "' failed: " + cause.getMessage(), cause);
        }
    }

    /** Polls {@code condition} until it holds or the deadline passes. */
    protected static void await(String what, Duration limit, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    protected static void await(String what, BooleanSupplier condition) {
        await(what, DEADLINE, condition);
    }

    /** Polls {@code value} until it is non-null, then returns it. */
    protected static <T> T awaitValue(String what, Supplier<T> value) {
        Object[] holder = new Object[1];
        await(what, () -> (holder[0] = value.get()) != null);
        @SuppressWarnings("unchecked")
        T found = (T) holder[0];
        return found;
    }

    protected AgentState stateOf(String agent) {
        return agents.find(agent).map(AgentInfo::state).orElse(null);
    }

    protected void awaitState(String agent, AgentState state) {
        await(agent + " to be " + state.wireName() + " (is " + stateOf(agent) + ")", () -> stateOf(agent) == state);
    }

    protected SpawnResult spawn(Map<String, ?> document) {
        return agents.spawn(SpawnConfig.fromMap(document));
    }

    protected static Path fixture(String name) {
        return Path.of(System.getProperty("flotilla.fixtures"), name);
    }

    protected static Path deployFolder() {
        return Path.of(System.getProperty("karaf.base"), "deploy");
    }

    protected static Path dataFolder() {
        return Path.of(System.getProperty("karaf.data"), "flotilla");
    }
}
