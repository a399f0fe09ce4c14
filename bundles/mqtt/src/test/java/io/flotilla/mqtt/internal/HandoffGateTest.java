package io.flotilla.mqtt.internal;

import static io.flotilla.mqtt.internal.HandoffGate.Verdict.DELIVER;
import static io.flotilla.mqtt.internal.HandoffGate.Verdict.IGNORE;
import static io.flotilla.mqtt.internal.HandoffGate.Verdict.TAKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/**
 * One by-name task stream, seen by the source and the target of a move: each task is answered by
 * exactly one of them, and the target answers the ones after the marker only after the forwarded ones.
 */
class HandoffGateTest {

    private final HandoffGate source = new HandoffGate();
    private final HandoffGate target = new HandoffGate();
    private final List<String> delivered = new ArrayList<>();

    private HandoffGate.Verdict offer(HandoffGate gate, String task) {
        HandoffGate.Verdict verdict = gate.check("mover", task, () -> delivered.add(task));
        if (verdict == DELIVER) {
            delivered.add(task);
        }
        return verdict;
    }

    @Test
    void withoutAMoveEveryTaskIsDelivered() {
        assertEquals(DELIVER, offer(source, "a"));
        assertEquals(List.of("a"), delivered);
    }

    @Test
    void theMarkerSplitsTheStreamBetweenSourceAndTarget() {
        target.expect("mover", 2);
        CompletableFuture<Void> cut = source.cutOver("mover", 2);

        assertEquals(DELIVER, offer(source, "before"), "the source's paused agent buffers it");
        assertEquals(IGNORE, offer(target, "before"));

        Object marker = HandoffGate.marker(2, "src", "dst");
        assertEquals(TAKEN, source.check("mover", marker, () -> { }));
        assertEquals(TAKEN, target.check("mover", marker, () -> { }));
        assertTrue(cut.isDone());

        assertEquals(IGNORE, offer(source, "after"));
        assertEquals(TAKEN, offer(target, "after"), "held until the forwarded messages are in");
        assertEquals(List.of("before"), delivered);

        target.forwarded("mover", 2, List.of(() -> delivered.add("forwarded")));
        assertEquals(List.of("before", "forwarded", "after"), delivered);
        assertEquals(DELIVER, offer(target, "later"));
    }

    @Test
    void aMarkerOfAnotherEpochChangesNothingAndIsNeverDelivered() {
        target.expect("mover", 3);
        assertEquals(TAKEN, target.check("mover", HandoffGate.marker(2, "src", "dst"), () -> { }));
        assertEquals(IGNORE, offer(target, "still the source's"));
        assertEquals(TAKEN, source.check("other", HandoffGate.marker(1, "x", "y"), () -> { }));
    }

    @Test
    void whenTheSourceNeverCutsOverTheTargetOpensAtItsLimit() {
        target.expect("mover", 2);
        target.check("mover", HandoffGate.marker(2, "src", "dst"), () -> { });
        offer(target, "held");

        target.expire("mover", 2);

        assertEquals(List.of("held"), delivered);
        assertEquals(DELIVER, offer(target, "next"));
    }

    @Test
    void anAbandonedMoveLeavesTheSourceAnsweringAgain() {
        CompletableFuture<Void> cut = source.cutOver("mover", 2);
        source.abandon("mover");
        assertEquals(DELIVER, offer(source, "a"));
        assertFalse(cut.isDone());
    }

    @Test
    void afterTheHandOverTheSourceForgetsTheMove() {
        source.cutOver("mover", 2);
        source.check("mover", HandoffGate.marker(2, "src", "dst"), () -> { });
        assertEquals(IGNORE, offer(source, "a"));
        source.handedOver("mover", 2);
        assertEquals(DELIVER, offer(source, "b"), "the router then finds no agent here and drops it");
    }
}
