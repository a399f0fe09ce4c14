package io.flotilla.core.internal.runtime;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.api.AgentState;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.core.testing.ScriptedAgent.Script;

/**
 * The node's default pauses after a failed process(), as the Wactorz runner has them: min(2^n, 30) s
 * after the n-th failure in a row (2, 4, 8, 16 s), the fifth escalating to a restart; a success
 * brings back the poll_interval. On a clock that moves only when told.
 */
class WactorzBackoffTest {

    private final Sandbox sandbox = Sandbox.create();

    @AfterEach
    void close() {
        sandbox.close();
    }

    private static List<Long> secondsBetween(List<Instant> times) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(Duration.between(times.get(i - 1), times.get(i)).toSeconds());
        }
        return gaps;
    }

    @Test
    void failedCallsComeTwoFourEightAndSixteenSecondsApartAndTheFifthRestartsTheAgent() {
        List<Instant> calls = new ArrayList<>();
        Script failing = sandbox.script().onProcess((ctx, call) -> {
            calls.add(sandbox.time().clock().instant());
            throw new IllegalStateException("boom");
        });
        sandbox.addType("failing", failing);

        sandbox.spawn(agent("f", "failing", "poll_interval", 1, "restart_delay", 3.0));
        sandbox.advanceSeconds(29.9);
        assertEquals(AgentState.RUNNING, sandbox.state("f"), "four failures, 2 + 4 + 8 + 16 s of pauses");
        assertEquals(List.of(2L, 4L, 8L), secondsBetween(calls).subList(0, 3));
        assertTrue(sandbox.errors("f").get(0).message().contains("next call in 2.0 s"), sandbox.errors("f").get(0).message());

        sandbox.advanceSeconds(0.1);
        assertEquals(List.of(2L, 4L, 8L, 16L), secondsBetween(calls));
        assertEquals(AgentState.RESTARTING, sandbox.state("f"), "the fifth in a row, at 30 s, escalates");
        sandbox.advanceSeconds(3);
        assertEquals(2, failing.setups.get(), "set up again after restart_delay");
    }

    @Test
    void aSuccessBringsThePollIntervalBackAndTheNextFailureStartsAtTwoSeconds() {
        AtomicInteger calls = new AtomicInteger();
        List<Instant> times = new ArrayList<>();
        Script flaky = sandbox.script().onProcess((ctx, call) -> {
            times.add(sandbox.time().clock().instant());
            if (calls.incrementAndGet() % 3 != 0) { // fail, fail, succeed, fail, fail, succeed...
                throw new IllegalStateException("flaky");
            }
        });
        sandbox.addType("flaky", flaky);

        sandbox.spawn(agent("k", "flaky", "poll_interval", 1));
        sandbox.advanceSeconds(20);

        assertEquals(List.of(2L, 4L, 1L, 2L, 4L, 1L), secondsBetween(times).subList(0, 6));
        assertEquals(AgentState.RUNNING, sandbox.state("k"));
        assertEquals(0, sandbox.agent("k").restartCount());
    }
}
