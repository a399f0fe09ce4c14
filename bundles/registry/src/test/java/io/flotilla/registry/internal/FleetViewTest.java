package io.flotilla.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.flotilla.api.NodeInfo;

/** The registry's rules, on a clock that moves only when told. */
class FleetViewTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-06-01T12:00:00Z");

        void advance(double seconds) {
            now = now.plusMillis(Math.round(seconds * 1000));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final List<String> changes = new ArrayList<>();
    private final FleetView view = new FleetView(clock, 3, Duration.ofHours(24), 5, changes::add);

    private static FleetView.Heartbeat beat(long incarnation, double cpu, List<String> capabilities, String... agents) {
        return new FleetView.Heartbeat(incarnation, capabilities, cpu, 512, List.of(agents), "tcp://b:1883", 60, 10, NodeInfo.FLOTILLA);
    }

    private boolean online(String node) {
        return view.node(node).map(d -> d.info().online()).orElse(false);
    }

    @Test
    void anOnlineStatusAndHeartbeatsMakeANodeKnownWithItsLoad() {
        view.status("rpi", "online", 7, null, clock.now);
        view.heartbeat("rpi", beat(7, 12.5, List.of("temperature", "cpus=4"), "sensor-1", "sensor-2"));

        NodeInfo rpi = view.node("rpi").orElseThrow().info();
        assertTrue(rpi.online());
        assertEquals(12.5, rpi.cpuPercent());
        assertEquals(2, rpi.agentCount());
        assertEquals(7, rpi.incarnation());
        assertEquals(Optional.of("rpi"), view.nodeOf("sensor-2"));
    }

    @Test
    void aNodeThatMissesThreeHeartbeatsIsOffline() {
        view.heartbeat("rpi", beat(1, 5, List.of()));
        clock.advance(30);
        view.check();
        assertTrue(online("rpi"), "30 s: within 3 intervals of 10 s and the grace");
        clock.advance(0.6);
        view.check();
        assertFalse(online("rpi"));
        assertEquals("missed 3 heartbeats", view.node("rpi").orElseThrow().statusReason());
        assertEquals(Optional.empty(), view.nodeOf("anything"));
    }

    @Test
    void aWactorzRunnerIsAMemberKnownByItsHeartbeatsAloneAndGoesOfflineWhenTheyStop() {
        view.heartbeat("wnode", new FleetView.Heartbeat(0, List.of(), -1, 0, List.of("wecho"), "127.0.0.1", 0,
                FleetView.DEFAULT_INTERVAL, NodeInfo.WACTORZ));

        NodeInfo wnode = view.node("wnode").orElseThrow().info();
        assertTrue(wnode.online(), "no retained status, no Will: its heartbeat is enough");
        assertEquals(NodeInfo.WACTORZ, wnode.runner());
        assertFalse(wnode.speaksFlotilla());
        assertEquals(Optional.of("wnode"), view.nodeOf("wecho"));
        clock.advance(30.6);
        view.check();
        assertFalse(online("wnode"));
        assertEquals("missed 3 heartbeats", view.node("wnode").orElseThrow().statusReason());
    }

    @Test
    void aWactorzRunnersLastHeartbeatTakesItOfflineButCannotSilenceAFlotillaNode() {
        view.heartbeat("wnode", new FleetView.Heartbeat(0, List.of(), -1, 0, List.of(), "b", 0, 10, NodeInfo.WACTORZ));
        view.status("rpi", "online", 5, null, clock.now);

        // NodeRegistry reads {"status": "offline"} on a heartbeat as an offline status of incarnation 0
        view.status("wnode", "offline", 0, "stopped (its last heartbeat)", clock.now);
        view.status("rpi", "offline", 0, "stopped (its last heartbeat)", clock.now);

        assertFalse(online("wnode"));
        assertTrue(online("rpi"), "to a Flotilla node, incarnation 0 is a session long gone");
        assertEquals(NodeInfo.FLOTILLA, view.node("rpi").orElseThrow().info().runner());
    }

    @Test
    void itsWillTakesANodeOfflineAtOnce() {
        view.status("rpi", "online", 5, null, clock.now);
        view.status("rpi", "offline", 5, "connection lost", clock.now);
        assertFalse(online("rpi"));
        assertEquals("connection lost", view.node("rpi").orElseThrow().statusReason());
    }

    @Test
    void aLateWillOfAnOlderIncarnationIsIgnored() {
        view.status("rpi", "online", 5, null, clock.now);
        view.status("rpi", "online", 6, null, clock.now);
        view.status("rpi", "offline", 5, "connection lost", clock.now);

        assertTrue(online("rpi"), "the node reconnected (6); the Will of session 5 came late");
        assertTrue(changes.stream().anyMatch(c -> c.contains("ignored the late Will of node rpi")));
    }

    @Test
    void aForgedLaterIncarnationCannotSilenceANode() {
        long real = clock.now.toEpochMilli();
        long forged = clock.now.plus(Duration.ofMinutes(9)).toEpochMilli();
        view.status("rpi", "online", real, null, clock.now);
        view.heartbeat("rpi", beat(forged, 1, List.of()));
        view.status("rpi", "offline", forged, "stopped", clock.now);
        assertFalse(online("rpi"), "a status is believed until the node speaks again");

        view.heartbeat("rpi", beat(real, 1, List.of()));
        assertTrue(online("rpi"), "its own next heartbeat shows it alive, whatever incarnation the forgery named");
    }

    @Test
    void implausibleMessagesAreRefusedAndChangeNothing() {
        assertTrue(view.heartbeat("alpha", beat(Long.MAX_VALUE, 1, List.of())).contains("ahead of this node's clock"));
        assertTrue(view.status("alpha", "offline", Long.MAX_VALUE, "stopped", clock.now).contains("ahead"));
        FleetView.Heartbeat dayLong = new FleetView.Heartbeat(1, List.of(), 1, 512, List.of(), "b", 60, 86_400, NodeInfo.FLOTILLA);
        assertTrue(view.heartbeat("alpha", dayLong).contains("heartbeat interval 86400.0 s is outside"));
        assertTrue(view.heartbeat("../etc", beat(1, 1, List.of())).contains("no node name"));

        assertTrue(view.nodes().isEmpty(), "nothing was learnt from them");
    }

    @Test
    void theViewHoldsAtMostItsLimitOfNodesAndNeverDropsAnOnlineOne() {
        for (int i = 1; i <= 5; i++) {
            assertEquals(null, view.heartbeat("n" + i, beat(1, 1, List.of())));
        }
        assertTrue(view.heartbeat("n6", beat(1, 1, List.of())).contains("all online"));
        assertEquals(5, view.nodes().size());

        view.status("n2", "offline", 1, "stopped", clock.now);
        clock.advance(1);
        view.status("n4", "offline", 1, "stopped", clock.now);
        assertEquals(null, view.heartbeat("n6", beat(1, 1, List.of())));

        assertEquals(List.of("n1", "n3", "n4", "n5", "n6"), view.nodes().stream().map(NodeInfo::name).toList(),
                "n2, offline the longest, made room");
    }

    @Test
    void aRestoredIncarnationFromTheFutureIsBroughtBackToNow() {
        FleetView.Entry poisoned = new FleetView.Entry("alpha", clock.now.minusSeconds(60));
        poisoned.incarnation = Long.MAX_VALUE;
        view.restore(List.of(poisoned));

        view.status("alpha", "online", clock.now.toEpochMilli(), null, clock.now);
        assertTrue(online("alpha"), "the real alpha, connecting now, is not taken for an old session");
    }

    @Test
    void aNodeOfflineLongerThanTheExpiryIsForgotten() {
        view.heartbeat("old", beat(1, 1, List.of(), "a1"));
        view.status("old", "offline", 1, "stopped", clock.now);
        clock.advance(24 * 3600 - 1);
        view.check();
        assertTrue(view.node("old").isPresent());
        clock.advance(2);
        view.check();
        assertTrue(view.node("old").isEmpty());
        assertTrue(changes.stream().anyMatch(c -> c.startsWith("forgot node old")));
    }

    @Test
    void aRetainedOfflineStatusFromBeforeTheExpiryIsNotLearnedAtAll() {
        view.status("ancient", "offline", 1, "stopped", clock.now.minus(Duration.ofDays(3)));
        assertTrue(view.node("ancient").isEmpty());
        view.status("recent", "offline", 1, "stopped", clock.now.minus(Duration.ofHours(1)));
        assertFalse(online("recent"));
    }

    @Test
    void restoredNodesAreOfflineUntilHeardFromAgain() {
        FleetView.Entry known = new FleetView.Entry("rpi", clock.now.minusSeconds(60));
        known.incarnation = 9;
        view.restore(List.of(known));
        assertFalse(online("rpi"));

        view.status("rpi", "online", 9, null, clock.now);
        assertTrue(online("rpi"));
    }

    @Test
    void placementTakesTheLeastLoadedNodeWithEveryCapability() {
        view.heartbeat("busy-gpu", beat(1, 80, List.of("gpu", "cuda")));
        view.heartbeat("idle-gpu", beat(1, 5, List.of("gpu", "cuda")));
        view.heartbeat("no-gpu", beat(1, 1, List.of("camera")));
        view.heartbeat("dead-gpu", beat(1, 0, List.of("gpu", "cuda")));
        view.status("dead-gpu", "offline", 1, "connection lost", clock.now);

        assertEquals(List.of("idle-gpu", "busy-gpu"), view.candidates(List.of("gpu", "cuda")).stream().map(NodeInfo::name).toList());
        assertTrue(view.candidates(List.of("gpu", "lidar")).isEmpty());
    }

    @Test
    void anAgentMovesWithItsHeartbeats() {
        view.heartbeat("a", beat(1, 1, List.of(), "counter"));
        view.heartbeat("b", beat(1, 1, List.of()));
        view.agentSeen("counter", "b", true);
        assertEquals(Optional.of("b"), view.nodeOf("counter"));
        view.agentSeen("counter", "a", false);
        assertEquals(Optional.of("b"), view.nodeOf("counter"), "the copy left on a, stopping, does not take it back");
        view.heartbeat("a", beat(1, 1, List.of(), "counter"));
        assertEquals(Optional.of("b"), view.nodeOf("counter"), "nor does a's list, sent before the move ended");
        view.heartbeat("b", beat(1, 1, List.of()));
        assertEquals(Optional.empty(), view.nodeOf("counter"), "b's own list is the last word");
    }
}
