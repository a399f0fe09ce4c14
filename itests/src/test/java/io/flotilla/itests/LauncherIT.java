package io.flotilla.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.BeforeClass;
import org.junit.Assume;
import org.junit.Test;

import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.OperatorShell;
import io.flotilla.mqtt.testing.MosquittoBroker;

/** bin/flotilla as a user runs it: the self-test, bad options, restarts, several nodes from one install. */
public class LauncherIT {

    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");
    private static Installation installation;

    @BeforeClass
    public static void unpack() throws Exception {
        installation = Installation.unpack("launcher-it");
    }

    private static Path home(String name) {
        return installation.root().getParent().resolve("homes").resolve(name);
    }

    @Test
    public void theSelfTestPassesWithoutABroker() throws Exception {
        Installation.Result result = installation.run(Duration.ofSeconds(60), "--test");

        assertEquals(result.output(), 0, result.exitCode());
        assertTrue(result.output(), result.output().contains("10 passed, 0 failed"));
        assertTrue(result.output(), result.output().contains("PASS  compile error: a Java agent from source that does not compile"));
        assertTrue(result.output(), result.output().contains("PASS  budget exhaustion"));
    }

    @Test
    public void theServiceUnitOfANodeVerifiesWithSystemd() throws Exception {
        Path systemdAnalyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(systemdAnalyze) && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("systemd-analyze is not installed; .ci/run installs it (apt-get install systemd)");
        }
        Assume.assumeTrue("systemd-analyze is not installed (apt-get install systemd)", Files.isExecutable(systemdAnalyze));
        Installation.Result unit = installation.run(Duration.ofSeconds(30), "service", "unit", "--name", "pi-kitchen",
                "--", "--broker", "ssl://hub.lan:8883", "--capabilities", "camera,50%");
        assertEquals(unit.output(), 0, unit.exitCode());
        assertTrue(unit.output(), unit.output().contains("ExecStart=\"" + installation.launcher() + "\" --name \"pi-kitchen\" "
                + "--home \"/var/lib/flotilla/pi-kitchen\" \"--broker\" \"ssl://hub.lan:8883\" \"--capabilities\" \"camera,50%%\""));
        assertTrue(unit.output(), unit.output().contains("Restart=on-failure") && unit.output().contains("User=flotilla\n"));
        Path file = installation.root().getParent().resolve("units/flotilla-pi-kitchen.service");
        Files.createDirectories(file.getParent());
        Files.writeString(file, unit.output());

        Process verify = new ProcessBuilder(systemdAnalyze.toString(), "verify", file.toString()).redirectErrorStream(true).start();
        String said = new String(verify.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue("systemd-analyze verify ends", verify.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(said, 0, verify.exitValue());
        assertEquals("no warning either (systemd-analyze only warns of unknown settings)", "", said.strip());

        Installation.Result badName = installation.run(Duration.ofSeconds(30), "service", "unit", "--name", "../etc");
        assertEquals(badName.output(), 2, badName.exitCode());
        assertTrue(badName.output(), badName.output().contains("'../etc' is not a node name"));
    }

    @Test
    public void theLauncherMakesAFleetCaAndANodesCertificate() throws Exception {
        Path pki = installation.root().getParent().resolve("pki");
        Installation.Result ca = installation.run(Duration.ofSeconds(60), "ca", "init", "--dir", pki.resolve("ca").toString());
        assertEquals(ca.output(), 0, ca.exitCode());
        Installation.Result cert = installation.run(Duration.ofSeconds(60), "cert", "issue", "alpha", "--ca",
                pki.resolve("ca").toString(), "--out", pki.resolve("certs").toString());
        assertEquals(cert.output(), 0, cert.exitCode());

        for (String file : new String[] {"ca/ca.crt", "ca/ca.key", "certs/alpha.crt", "certs/alpha.key", "certs/alpha.p12",
                "certs/alpha.pass"}) {
            assertTrue(file, Files.isRegularFile(pki.resolve(file)));
        }
        String password = Files.readString(pki.resolve("certs/alpha.pass")).trim();
        assertTrue("the password is never printed", !cert.output().contains(password));

        Installation.Result again = installation.run(Duration.ofSeconds(60), "ca", "init", "--dir", pki.resolve("ca").toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.output(), again.output().contains("holds a CA already"));
    }

    @Test
    public void unknownOptionsAndBadValuesAreRefusedClearly() throws Exception {
        Installation.Result unknown = installation.run(Duration.ofSeconds(30), "--bogus");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.output(), unknown.output().contains("unknown option '--bogus'"));

        Installation.Result badName = installation.run(Duration.ofSeconds(30), "--name", "../etc", "--home",
                home("bad").toString());
        assertEquals(2, badName.exitCode());
        assertTrue(badName.output(), badName.output().contains("node name '../etc' must be 1 to 64"));

        Installation.Result badLevel = installation.run(Duration.ofSeconds(30), "--loglevel", "LOUD");
        assertEquals(2, badLevel.exitCode());
        assertTrue(badLevel.output(), badLevel.output().contains("--loglevel must be"));

        Installation.Result missing = installation.run(Duration.ofSeconds(30), "--home");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.output(), missing.output().contains("--home needs a value"));

        Installation.Result badRole = installation.run(Duration.ofSeconds(30), "--ha", "leader");
        assertEquals(2, badRole.exitCode());
        assertTrue(badRole.output(), badRole.output().contains("--ha must be primary or backup, not 'leader'"));
        Installation.Result lonePrimary = installation.run(Duration.ofSeconds(30), "--ha", "primary", "--ha-port", "1884");
        assertEquals(2, lonePrimary.exitCode());
        assertTrue(lonePrimary.output(), lonePrimary.output().contains("--ha needs --ha-peer HOST:PORT"));
        Path secret = Files.writeString(Files.createDirectories(home("ha")).resolve("pair.secret"), "a secret of sixteen or more\n");
        Installation.Result wildcard = installation.run(Duration.ofSeconds(30), "--listen", "0.0.0.0", "--ha", "primary",
                "--ha-port", "1884", "--ha-peer", "hub-b:1884", "--ha-secret", secret.toString(), "--broker", "a,b");
        assertEquals(2, wildcard.exitCode());
        assertTrue(wildcard.output(), wildcard.output().contains("needs --ha-host NAME"));
        Installation.Result strayPeer = installation.run(Duration.ofSeconds(30), "--ha-peer", "hub-b:1884");
        assertEquals(2, strayPeer.exitCode());
        assertTrue(strayPeer.output(), strayPeer.output().contains("go with --ha primary or --ha backup"));
    }

    @Test
    public void aRestartedNodeBringsItsAgentsAndTheirStateBack() throws Exception {
        Path home = home("restart");
        Path descriptor = Files.createTempFile("fast-counter", ".agent.json");
        Files.writeString(descriptor, "{\"name\": \"fast-counter\", \"type\": \"counter\", \"poll_interval\": 0.2}");
        Path state = home.resolve("data/flotilla/state/fast-counter.json");

        long countAtStop;
        String port = String.valueOf(MosquittoBroker.freePort());
        try (NodeProcess node = NodeProcess.start(installation, "restarter", home, "--port", port, "--deploy", descriptor.toString())) {
            node.awaitStarted();
            node.await("the counter to reach 5", Duration.ofSeconds(60), () -> count(state) >= 5);

            int exit = node.stop();

            assertTrue("SIGTERM ends the JVM normally, exit " + exit, exit == 0 || exit == 143);
            assertTrue(node.console(), node.console().contains("Agent manager stopped"));
            countAtStop = count(state);
        }

        try (NodeProcess node = NodeProcess.start(installation, "restarter", home, "--port", port)) {
            node.awaitStarted();
            assertTrue(node.console(), node.console().contains("Node restarter: restored 1 agents (1 to run)"));
            assertFalse("a node without --dashboard does not warn that it serves none", node.console().contains("Jetty not started"));
            node.await("counting on from " + countAtStop, Duration.ofSeconds(60), () -> count(state) > countAtStop + 2);
            assertTrue("the descriptor was not spawned a second time",
                    !node.console().contains("agent fast-counter spawned"));
            node.stop();
        }
    }

    @Test
    public void aForegroundNodeFollowsAnAgentsLogAndStopsOnCtrlCAsCleanlyAsOnSigterm() throws Exception {
        String port = String.valueOf(MosquittoBroker.freePort());
        String sshPort = String.valueOf(MosquittoBroker.freePort());
        NodeProcess.prepareHome(installation, home("interrupted"));
        OperatorShell shell = OperatorShell.allow(home("interrupted"), Integer.parseInt(sshPort));
        try (NodeProcess node = NodeProcess.startInForeground(installation, "interrupted", home("interrupted"), "--port", port,
                "--ssh-port", sshPort, "--deploy", "examples/temperature-sensor.agent.json")) {
            node.awaitStarted();
            node.awaitConsole("[temp-sensor-agent] Temperature:", Duration.ofSeconds(30));
            // Its lines as they come, not when the session ends: two readings 2 s apart, while it follows
            String followed = shell.follow("agent:logs -f -n 0 temp-sensor-agent", printed -> printed.split("Temperature:",
                    -1).length > 2, Duration.ofSeconds(20));
            assertTrue(followed, followed.contains("Temperature:"));

            int exit = node.interrupt();

            assertEquals(node.console(), 0, exit);
            assertTrue(node.console(), node.console().contains("Interrupted (SIGINT): stopping the node"));
            assertTrue(node.console(), node.console().contains("Agent manager stopped"));
        }
    }

    @Test
    public void twoNodesRunSideBySideFromOneInstallation() throws Exception {
        String port = String.valueOf(MosquittoBroker.freePort());
        try (NodeProcess first = NodeProcess.start(installation, "side-a", home("side-a"), "--port", port,
                "--deploy", "examples/temperature-sensor.agent.json");
             NodeProcess second = NodeProcess.start(installation, "side-b", home("side-b"), "--broker", "127.0.0.1:" + port,
                "--deploy", "examples/counter.agent.json")) {
            first.awaitStarted();
            second.awaitStarted();
            first.awaitConsole("[temp-sensor-agent] Temperature:", Duration.ofSeconds(30));
            second.await("counter-1 to count", Duration.ofSeconds(30),
                    () -> count(second.data().resolve("state/counter-1.json")) >= 2);

            Installation.Result intruder = installation.run(Duration.ofSeconds(30), "--name", "side-c", "--home",
                    home("side-a").toString(), "--broker", "127.0.0.1:" + port);
            assertEquals(intruder.output(), 2, intruder.exitCode());
            assertTrue(intruder.output(), intruder.output().contains("node side-a (pid ")
                    && intruder.output().contains("runs on " + home("side-a").toRealPath() + " already"));

            Installation.Result status = installation.run(Duration.ofSeconds(30), "status", "--home", home("side-a").toString());
            assertEquals(status.output(), 0, status.exitCode());
            assertEquals("node side-a (pid " + first.pid() + ") runs on " + home("side-a").toRealPath(), status.output().trim());

            // The same name from another home: the two would take the name's broker session from each
            // other for ever; the newcomer sees the first come back, says so, and stops.
            try (NodeProcess twin = NodeProcess.start(installation, "side-b", home("side-b-twin"), "--broker",
                    "127.0.0.1:" + port)) {
                assertEquals(twin.console(), 0, twin.awaitExit(Duration.ofSeconds(90)));
                assertTrue(twin.console(), twin.console().contains("node name side-b is already online (incarnation "));
            }
            long counted = count(second.data().resolve("state/counter-1.json"));
            second.await("the first side-b to go on counting", Duration.ofSeconds(30),
                    () -> count(second.data().resolve("state/counter-1.json")) > counted);

            for (NodeProcess node : new NodeProcess[] {first, second}) {
                int exit = node.stop();
                assertTrue(node.name() + " ends normally on SIGTERM, exit " + exit, exit == 0 || exit == 143);
            }
            Installation.Result stopped = installation.run(Duration.ofSeconds(30), "status", "--home", home("side-a").toString());
            assertEquals(stopped.output(), 3, stopped.exitCode());
            assertEquals("no node runs on " + home("side-a").toRealPath(), stopped.output().trim());
        }
    }

    @Test
    public void anInstanceMadeByAnEarlierVersionTakesTheLaunchersNameAndPort() throws Exception {
        Path home = home("earlier");
        NodeProcess.prepareHome(installation, home);
        // What an earlier version wrote: settings without the environment's placeholders, no agents file.
        Path etc = home.resolve("etc");
        Files.writeString(etc.resolve("io.flotilla.node.cfg"), "node.name =\nheartbeat.interval = 1\n");
        Files.writeString(etc.resolve("io.flotilla.mqtt.cfg"), "broker.url =\nbroker.port = 1883\n");
        Files.writeString(etc.resolve("io.flotilla.broker.cfg"), "enabled = true\nhost = 127.0.0.1\nport = 1883\n");
        Files.delete(etc.resolve("io.flotilla.agents.cfg"));

        try (NodeProcess node = NodeProcess.start(installation, "earlier", home, "--port",
                String.valueOf(MosquittoBroker.freePort()))) {
            node.awaitStarted();
            node.awaitConsole("Fleet: node earlier is online", Duration.ofSeconds(30));
            assertTrue(node.console(), node.console().contains("node.name in etc/io.flotilla.node.cfg now takes the environment"));
            assertTrue("the new file is added", Files.exists(etc.resolve("io.flotilla.agents.cfg")));
            node.stop();
        }
    }

    @Test
    public void aTakenBrokerPortIsReportedAndTheNodeKeepsRunning() throws Exception {
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             NodeProcess node = NodeProcess.start(installation, "crowded", home("crowded"),
                     "--port", String.valueOf(squatter.getLocalPort()))) {
            node.awaitStarted();
            node.awaitConsole("The embedded broker cannot listen on 127.0.0.1:" + squatter.getLocalPort(),
                    Duration.ofSeconds(30));
            assertTrue("the node runs on", node.isAlive());
            node.stop();
        }
    }

    private static long count(Path stateFile) {
        try {
            if (!Files.exists(stateFile)) {
                return 0;
            }
            Matcher matcher = COUNT.matcher(Files.readString(stateFile));
            return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
