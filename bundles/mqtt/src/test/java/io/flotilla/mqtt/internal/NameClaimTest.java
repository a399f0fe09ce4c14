package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Which of two installations that share a node name gives way, as seen in the statuses each reads
 * on its own status topic: the one that came second, and only on proof that the other is alive.
 */
class NameClaimTest {

    private static final String TOPIC = "nodes/kitchen/status";
    private final List<String> gaveWay = new ArrayList<>();
    private final AtomicInteger reannounced = new AtomicInteger();

    /** This installation, "b", first connected with incarnation 200. */
    private final NameClaim claim = new NameClaim("kitchen", "b", () -> 200, new Wire(Clock.systemUTC()),
            reannounced::incrementAndGet, gaveWay::add);

    private void status(String nodeId, String status, long incarnation, long since) {
        String json = "{\"node\": \"kitchen\", \"status\": \"" + status + "\", \"incarnation\": " + incarnation
                + ", \"node_id\": \"" + nodeId + "\", \"since\": " + since + "}";
        claim.onMessage(TOPIC, json.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void anotherInstallationsStatusFromBeforeThisNodeWasOnlineIsLetBe() {
        status("a", "online", 100, 100); // perhaps a session long gone: its Will comes when the broker notices
        status("b", "online", 200, 200);

        assertEquals(List.of(), gaveWay);
    }

    @Test
    void theNodeThatCameSecondGivesWayWhenTheFirstConnectsAgain() {
        status("a", "online", 100, 100);
        status("b", "online", 200, 200);
        claim.disconnected(); // dropped: someone connected with this node's name
        status("a", "online", 300, 100); // ... "a", again, since this node took the session: it is alive
        assertEquals(List.of(), gaveWay, "one takeover may be a passing client's");
        status("b", "online", 301, 200);
        claim.disconnected();
        status("a", "online", 302, 100); // and again: a twin

        assertEquals(1, gaveWay.size());
        assertTrue(gaveWay.get(0).startsWith("node name kitchen is already online (incarnation 302, node id a)"),
                gaveWay.get(0));
        status("a", "online", 400, 100);
        assertEquals(1, gaveWay.size(), "said once");
    }

    @Test
    void theNodeThatCameFirstKeepsItsName() {
        status("b", "online", 200, 200);
        claim.disconnected();
        status("c", "online", 500, 500);

        assertEquals(List.of(), gaveWay);
    }

    @Test
    void anOnlineStatusPublishedWhileThisNodeHoldsTheSessionProvesNoTwin() {
        status("b", "online", 200, 200);
        status("a", "online", 300, 1); // anyone on an open broker can publish this; nobody took the session

        assertEquals(List.of(), gaveWay);
        assertEquals(1, reannounced.get(), "its own status said again over it");
    }

    @Test
    void aTieOnSinceIsBrokenByNodeIdSoThatExactlyOneGivesWay() {
        status("b", "online", 200, 200);
        claim.disconnected();
        status("c", "online", 201, 200);
        assertEquals(List.of(), gaveWay, "b before c");

        List<String> other = new ArrayList<>();
        NameClaim c = new NameClaim("kitchen", "c", () -> 200, new Wire(Clock.systemUTC()), () -> { }, other::add);
        c.onMessage(TOPIC, "{\"status\": \"online\", \"node_id\": \"c\", \"since\": 200}".getBytes(StandardCharsets.UTF_8), false);
        for (int takeover = 0; takeover < NameClaim.TAKEOVERS_TO_GIVE_WAY; takeover++) {
            c.disconnected();
            c.onMessage(TOPIC, "{\"status\": \"online\", \"node_id\": \"b\", \"since\": 200}".getBytes(StandardCharsets.UTF_8), true);
            c.onMessage(TOPIC, "{\"status\": \"online\", \"node_id\": \"c\", \"since\": 200}".getBytes(StandardCharsets.UTF_8), false);
        }
        assertEquals(1, other.size());
    }

    @Test
    void anotherInstallationsGoodbyeOverThisNodesStatusIsAnsweredWithItsStatusAgain() {
        status("b", "online", 200, 200);
        status("c", "offline", 500, 500);

        assertEquals(1, reannounced.get());
        assertEquals(List.of(), gaveWay);
    }

    @Test
    void statusesThatDoNotNameTheirInstallationChangeNothing() {
        status("b", "online", 200, 200);
        claim.onMessage(TOPIC, "{\"status\": \"online\", \"incarnation\": 5}".getBytes(StandardCharsets.UTF_8), false);
        claim.onMessage(TOPIC, "not json".getBytes(StandardCharsets.UTF_8), false);
        claim.onMessage(TOPIC, new byte[0], true);

        assertEquals(List.of(), gaveWay);
        assertEquals(0, reannounced.get());
    }

    @Test
    void aStatusThatIsNotRetainedOrNamesNoStartProvesNoTakeover() {
        status("b", "online", 200, 200);
        for (int takeover = 0; takeover < 3; takeover++) {
            claim.disconnected();
            claim.onMessage(TOPIC, ("{\"status\": \"online\", \"incarnation\": 9, \"node_id\": \"a\", \"since\": 1}")
                    .getBytes(StandardCharsets.UTF_8), false); // live, not what a subscription finds
            status("a", "online", 9, 0); // retained, but no process starts at 0
            status("b", "online", 201 + takeover, 200);
        }
        assertEquals(List.of(), gaveWay);
    }
}
