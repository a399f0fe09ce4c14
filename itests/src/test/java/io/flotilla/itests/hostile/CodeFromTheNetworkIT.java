package io.flotilla.itests.hostile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.sun.net.httpserver.HttpServer;

import io.flotilla.itests.Fixtures;
import io.flotilla.itests.process.Fleet;
import io.flotilla.itests.process.Installation;

/**
 * One stranger on the broker of a two-node fleet (Mosquitto, {@code alpha} and {@code beta})
 * tries to make a node run code of its own, and to learn about the node's files. Each attack's
 * bundle writes a marker file when it runs: the tests prove the attack is refused, with a clear
 * error, and that no marker, no request and no agent came of it.
 */
public class CodeFromTheNetworkIT {

    private static Fleet fleet;
    private static Stranger stranger;
    private static Path work;
    private static HttpServer server;
    private static final AtomicInteger requests = new AtomicInteger();
    private static final AtomicInteger slowRequests = new AtomicInteger();

    @BeforeClass
    public static void startFleet() throws Exception {
        fleet = Fleet.prepare(Fleet.BrokerKind.MOSQUITTO, Installation.unpack("hostile-code"));
        try {
            work = fleet.home("alpha").getParent().resolveSibling("attacker");
            Files.createDirectories(work.resolve("markers"));
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] payload = Fixtures.markerBundle(work.resolve("served.jar"), "evil.served", marker("served"), "served");
            server.createContext("/repo/", exchange -> {
                requests.incrementAndGet();
                exchange.sendResponseHeaders(200, payload.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(payload);
                }
            });
            server.createContext("/slow/", exchange -> {
                slowRequests.incrementAndGet();
                exchange.sendResponseHeaders(200, 1_000_000);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 60; i++) { // a byte a second: never done within an install's deadline
                        out.write('x');
                        out.flush();
                        Thread.sleep(1000);
                    }
                } catch (IOException | InterruptedException gone) {
                    // the node gave up and closed the connection
                }
            });
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "attacker-http");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            for (String node : List.of("alpha", "beta")) {
                Path agents = fleet.home(node).resolve("agents");
                Files.createDirectories(agents);
                // As an operator allows a directory of agents' bundles, and one Maven repository of the fleet's.
                fleet.configure(node, "io.flotilla.security.cfg", "bundle.locations",
                        "mvn:io.flotilla/, mvn:slow.group/, file:${karaf.base}/deploy/, file:" + agents + "/");
                fleet.configure(node, "org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/slow@id=fleet");
            }
            fleet.configure("beta", "io.flotilla.migration.cfg", "accept.code", "true");
            fleet.configure("beta", "io.flotilla.security.cfg", "features", "no-such-feature");
            fleet.startNodes("alpha", "beta");
            stranger = new Stranger(fleet);
        } catch (Exception | AssertionError e) {
            stopFleet();
            throw e;
        }
    }

    @AfterClass
    public static void stopFleet() throws Exception {
        if (server != null) {
            server.stop(0);
        }
        Fleet.closeChecked(fleet);
    }

    private static Path marker(String attack) {
        return work.resolve("markers").resolve(attack + ".ran");
    }

    private static void assertRefused(Map<String, Object> result, String reason) {
        assertEquals(result.toString(), false, result.get("success"));
        assertTrue(result.toString(), String.valueOf(result.get("error")).contains(reason));
    }

    private static void assertNothingRan(String attack, String... agentNames) throws Exception {
        assertFalse("the stranger's code ran: " + marker(attack), Files.exists(marker(attack)));
        for (String node : List.of("alpha", "beta")) {
            for (String agent : agentNames) {
                assertFalse(agent + " exists on " + node, stranger.agents(node).containsKey(agent));
            }
        }
    }

    @Test
    public void aMavenLocationThatNamesItsOwnRepositoryIsRefusedAndNothingIsFetched() throws Exception {
        String evil = "mvn:http://127.0.0.1:" + server.getAddress().getPort() + "/repo@id=x!evil.group/served/1.0.0";

        assertRefused(stranger.spawn("alpha", Map.of("name", "served-1", "type", "served", "bundle", evil)),
                "names a repository of its own");
        assertRefused(stranger.spawn("alpha", Map.of("name", "served-2", "type", "served", "install", List.of(evil))),
                "names a repository of its own");

        assertEquals("the node never asked the stranger's server", 0, requests.get());
        assertNothingRan("served", "served-1", "served-2");
    }

    @Test
    public void anArtifactOfAGroupTheNodeDoesNotTrustIsRefusedBeforeAnyRepositoryIsAsked() throws Exception {
        int before = slowRequests.get();

        assertRefused(stranger.spawn("alpha", Map.of("name", "central", "type", "central",
                "bundle", "mvn:io.github.attacker/evil/1.0.0")), "is not an allowed location");

        assertEquals("no repository was asked for it", before, slowRequests.get());
        assertNothingRan("none", "central");
    }

    @Test
    public void fileLocationsOutsideTheAllowedDirectoriesAreRefusedEvenThroughDotDot() throws Exception {
        Path outside = work.resolve("outside.jar");
        Fixtures.markerBundle(outside, "evil.outside", marker("outside"), "outside");
        Path deploy = fleet.home("alpha").resolve("deploy");
        String climbing = "file:" + deploy + "/" + "../".repeat(deploy.getNameCount()) + outside.toString().substring(1);

        for (String location : List.of("file:" + outside, climbing, "file:" + deploy + "/%2e%2e/%2e%2e/x.jar")) {
            assertRefused(stranger.spawn("alpha", Map.of("name", "outside", "type", "outside", "bundle", location)),
                    "'bundle' ");
        }
        assertNothingRan("outside", "outside");
    }

    @Test
    public void shippedCodeFromAStrangerIsNeverInstalledEvenWhereCodeIsAccepted() throws Exception {
        byte[] bytes = Fixtures.markerBundle(work.resolve("shipped.jar"), "evil.shipped", marker("shipped"), "shipped");
        String sha256 = sha256(work.resolve("shipped.jar"));
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("name", "shipped");
        offer.put("epoch", 1);
        offer.put("from_node", "rogue");
        offer.put("actor_id", UUID.randomUUID().toString());
        offer.put("config", Map.of("name", "shipped", "type", "shipped"));
        offer.put("state", Map.of());
        offer.put("code", Map.of("location", "rogue:x", "symbolic_name", "evil.shipped",
                "version", "1.0.0", "sha256", sha256, "size", bytes.length));

        Map<String, Object> answer = stranger.command("beta", "migrate_in", offer);

        assertRefused(answer, "rogue");
        stranger.ping("beta");
        assertTrue("beta asked the stranger for code", stranger.probe().seenOn("nodes/rogue/code_request").isEmpty());
        assertNothingRan("shipped", "shipped");
    }

    @Test
    public void aFeatureOutsideTheAllowlistIsNeverInstalled() throws Exception {
        assertRefused(stranger.spawn("alpha", Map.of("name", "jmx", "type", "counter", "install",
                List.of("feature:management"))), "which a spawn may not install");

        for (int port : List.of(1099, 44444)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                throw new AssertionError("something listens on port " + port);
            } catch (IOException closed) {
                // nothing listens: no JMX, no RMI
            }
        }
        assertNothingRan("none", "jmx");
    }

    @Test
    public void anAllowedFeatureThatDoesNotExistFailsWithAClearReason() throws Exception {
        Map<String, Object> result = stranger.spawn("beta", Map.of("name", "featureless", "type", "featured",
                "install", List.of("feature:no-such-feature")));

        assertRefused(result, "no feature no-such-feature in the node's feature repositories");
        assertFalse(result.toString(), result.toString().contains("NullPointerException"));
    }

    @Test
    public void refusalsRevealNothingAboutTheNodesFiles() throws Exception {
        String pin = "0".repeat(64);
        Path inside = Files.writeString(fleet.home("alpha").resolve("agents").resolve("private.jar"), "not for strangers");
        Path outside = Files.writeString(work.resolve("secret.jar"), "not for strangers either");

        Map<String, Object> pinned = stranger.spawn("alpha", Map.of("name", "oracle-1", "type", "x", "bundle",
                "file:" + inside, "sha256", pin));
        assertFalse("the error gives the file's hash away: " + pinned, pinned.toString().contains(sha256(inside)));

        Map<String, Object> existing = stranger.spawn("alpha", Map.of("name", "oracle-2", "type", "x", "bundle",
                "file:" + outside, "sha256", pin));
        Map<String, Object> missing = stranger.spawn("alpha", Map.of("name", "oracle-3", "type", "x", "bundle",
                "file:" + work.resolve("missing.jar"), "sha256", pin));
        String one = String.valueOf(existing.get("error")).replace(outside.toString(), "PATH").replace("oracle-2", "NAME");
        String other = String.valueOf(missing.get("error")).replace(work.resolve("missing.jar").toString(), "PATH")
                .replace("oracle-3", "NAME");
        assertEquals("outside the allowlist, an existing file and a missing one are refused alike", one, other);
        assertFalse(one, one.contains(sha256(outside)) || one.contains("No such file"));
    }

    @Test
    public void aPinHoldsForABundleThatIsInstalledAlready() throws Exception {
        Path jar = fleet.home("alpha").resolve("agents").resolve("pinned.jar");
        Fixtures.markerBundle(jar, "fixture.pinned", marker("pinned"), "pinned");
        String installed = sha256(jar);
        String location = "file:" + jar;
        assertEquals(true, stranger.spawn("alpha", Map.of("name", "pinned-1", "type", "pinned", "bundle", location))
                .get("success"));
        // The file changes after the install: a pin of the new bytes names code the node does not run
        Fixtures.markerBundle(jar, "fixture.pinned.changed", marker("pinned-changed"), "pinned");

        assertRefused(stranger.spawn("alpha", Map.of("name", "pinned-2", "type", "pinned", "bundle", location, "sha256",
                sha256(jar))), "does not have the sha256 pinned for it");
        assertEquals("failed", stranger.agents("alpha").get("pinned-2"));
        assertEquals(true, stranger.spawn("alpha", Map.of("name", "pinned-3", "type", "pinned", "bundle", location, "sha256",
                installed)).get("success"));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    public void aStalledDownloadEndsAtItsDeadlineAndHoldsUpNoOtherInstall() throws Exception {
        Path hello = fleet.home("alpha").resolve("agents").resolve("hello.jar");
        Fixtures.markerBundle(hello, "fixture.hello", marker("hello"), "hello");
        long started = System.nanoTime();
        String stalled = stranger.send("alpha", "spawn", Map.of("name", "stalled", "type", "slow",
                "bundle", "mvn:slow.group/slow/1.0.0", "install_timeout", 4));
        stranger.probe().awaitOn("test/results", seen -> slowRequests.get() > 0, Stranger.LIMIT);

        Map<String, Object> other = stranger.spawn("alpha", Map.of("name", "hello-1", "type", "hello",
                "bundle", "file:" + hello));
        assertEquals(other.toString(), true, other.get("success"));
        assertTrue("the other install waited for the stalled one",
                stranger.probe().seenOn("test/results").stream().noneMatch(seen -> seen.text().contains(stalled)));

        Map<String, Object> result = stranger.probe().awaitJson("test/results", "request_id", stalled, Stranger.LIMIT);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertRefused(result, "did not finish within 4");
        assertTrue("ended after " + seconds + " s", seconds < 4 + 6);
    }

    @Test
    public void anAgentWhoseInstallFailedStaysFailedAcrossARestart() throws Exception {
        Path later = fleet.home("alpha").resolve("agents").resolve("later.jar");
        Map<String, Object> result = stranger.spawn("alpha", Map.of("name", "never", "type", "later",
                "bundle", "file:" + later));
        assertRefused(result, "never");
        // The bundle appears afterwards: were the install retried at boot, it would run now.
        Fixtures.markerBundle(later, "evil.later", marker("later"), "later");
        Path state = fleet.home("alpha").resolve("data/flotilla/state");
        Files.createDirectories(state);
        Path leftover = Files.writeString(state.resolve(".never.json4242.tmp"), "{\"cou");

        fleet.node("alpha").stop();
        fleet.startNode("alpha").awaitStarted();
        stranger.ping("alpha");

        assertEquals("failed", stranger.agents("alpha").get("never"));
        assertFalse("the refused install was tried again at boot", Files.exists(marker("later")));
        assertFalse("a killed write's temporary file is cleaned up", Files.exists(leftover));
    }

    @Test
    public void codeIsHandedToNobodyWhoIsNotTheTargetOfAMove() throws Exception {
        assertEquals(true, stranger.spawn("alpha", Map.of("name", "valuable", "type", "counter")).get("success"));

        Map<String, Object> answer = stranger.command("alpha", "code_request", Map.of("type", "counter",
                "agent", "valuable", "sha256", "0".repeat(64)));

        assertRefused(answer, "valuable");
        assertFalse(answer.toString(), answer.containsKey("bytes"));
        assertFalse(answer.toString(), answer.containsKey("data"));
    }

    @Test
    public void aPollIntervalThatWouldBurnACoreIsRefused() throws Exception {
        assertRefused(stranger.spawn("alpha", Map.of("name", "spinner", "type", "counter", "poll_interval", 1e-9)),
                "must be 0 (never) or at least 0.001 s");
        assertNothingRan("none", "spinner");
    }
}
