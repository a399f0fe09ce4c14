package io.flotilla.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.OperatorShell;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * A real Flotilla node watching a simulated fleet, and what the benchmark reads of it: its fleet view
 * through {@code node:list --summary} at its shell, the CPU time its process used, its heap.
 */
final class Observer implements AutoCloseable {

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) nodes: (\\d+) online, (\\d+) offline; (\\d+) agents.*");

    private final Installation installation;
    private final String name;
    private final Path home;
    private final String broker;
    private final int sshPort;
    private final OperatorShell shell;
    private NodeProcess process;

    /** What {@code node:list --summary} says. */
    record View(int nodes, int online, int offline, long agents) {
    }

    private Observer(Installation installation, String name, Path home, String broker, int sshPort, OperatorShell shell) {
        this.installation = installation;
        this.name = name;
        this.home = home;
        this.broker = broker;
        this.sshPort = sshPort;
        this.shell = shell;
    }

    /** Starts node {@code name} on the broker at {@code broker} (host:port), with a shell for the benchmark. */
    static Observer start(Installation installation, String name, Path home, String broker) throws Exception {
        Installation.deleteRecursively(home);
        NodeProcess.prepareHome(installation, home);
        int sshPort = MosquittoBroker.freePort();
        Observer observer = new Observer(installation, name, home, broker, sshPort, OperatorShell.allow(home, sshPort));
        observer.launch();
        return observer;
    }

    private void launch() throws IOException {
        // Soft references cleared by every collection, so that the heap after one is what the node holds
        process = NodeProcess.start(installation, name, home, Map.of("JAVA_OPTS", "-XX:SoftRefLRUPolicyMSPerMB=0"),
                "--broker", broker, "--ssh-port", String.valueOf(sshPort));
    }

    /** Stops the node as an operator does and starts it again over the same home; returns at once. */
    void restart() throws Exception {
        process.stop();
        launch();
    }

    String name() {
        return name;
    }

    /** The fleet as the node sees it now. */
    View view() throws IOException {
        String printed = shell.run("node:list --summary").strip();
        Matcher matcher = SUMMARY.matcher(printed);
        if (!matcher.matches()) {
            throw new IllegalStateException(name + "'s node:list --summary printed: " + printed);
        }
        return new View(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)), Long.parseLong(matcher.group(4)));
    }

    /** Runs a shell command, returning what it printed. */
    String run(String command) throws IOException {
        return shell.run(command);
    }

    /** CPU time the node's process has used, user and system, in milliseconds. */
    long cpuMillis() throws IOException {
        return ProcFiles.cpuMillis(process.pid());
    }

    /**
     * Heap in use after full collections: the least of three, since what a collection leaves can vary by
     * megabytes (a shell session's buffers) and a node's share of a fleet is kilobytes.
     */
    long heapKiB() throws Exception {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            least = Math.min(least, Jcmd.heapUsedKiB(process.pid()));
        }
        return least;
    }

    /** Waits until the node's view satisfies {@code condition}; returns the nanoseconds from {@code since}. */
    long await(String what, long since, Duration limit, Predicate<View> condition) throws Exception {
        long end = since + limit.toNanos();
        View last = null;
        while (System.nanoTime() < end) {
            try {
                last = view();
                if (condition.test(last)) {
                    return System.nanoTime() - since;
                }
            } catch (IOException | IllegalStateException e) {
                last = null; // the shell is not up yet after a restart
            }
            Thread.sleep(100); // a poll's pace, not a stand-in for the condition
        }
        throw new IllegalStateException(name + ": no " + what + " within " + limit.toSeconds() + " s; last view " + last);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
