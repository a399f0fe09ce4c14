package io.flotilla.core.internal.runtime;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.api.AgentState;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.runtime.AgentEvent;

/**
 * The events a Wactorz dashboard reads, as the runtime emits them: a failed task is a
 * {@code handle_task} warning and the agent carries on; {@code publishResult} is a result event
 * carrying a copy of the value. (Process failures and the supervisor's decisions: SupervisionTest.)
 */
class WactorzEventsTest {

    private final Sandbox sandbox = Sandbox.create();

    /** A value Jackson cannot write: its one property cannot be read. */
    public static final class Unreadable {
        public int getValue() {
            throw new IllegalStateException("the sensor is gone");
        }
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    @Test
    void aFailedTaskIsAHandleTaskWarningAndTheAgentCarriesOn() throws Exception {
        sandbox.addType("picky", sandbox.script().onHandle((message, ctx) -> {
            throw new IllegalArgumentException("not a reading: " + message.payload());
        }));
        sandbox.spawn(agent("picky", "picky"));

        CompletableFuture<Reply> reply = sandbox.system().askFrom(null, "picky", "hello", Duration.ofSeconds(5))
                .toCompletableFuture();
        sandbox.time().runReady();

        ExecutionException failed = assertThrows(ExecutionException.class, reply::get);
        assertTrue(failed.getCause().getMessage().contains("not a reading: hello"), failed.getCause().getMessage());
        AgentEvent warning = sandbox.errors("picky").get(0);
        assertEquals("handle_task", warning.phase());
        assertEquals(Severity.WARNING, warning.severity());
        assertEquals(AgentState.RUNNING, sandbox.state("picky"));
    }

    @Test
    void aPublishedResultIsAResultEventWithACopyOfTheValue() {
        List<Object> readings = new ArrayList<>(List.of(21.5));
        sandbox.addType("reporter", sandbox.script().onSetup((ctx, call) -> {
            ctx.publishResult(Map.of("readings", readings));
            readings.add(99.0); // after publishing: not in what was published
        }));
        sandbox.spawn(agent("reporter", "reporter"));
        sandbox.time().runReady();

        List<AgentEvent> results = sandbox.events("reporter").stream().filter(e -> e.kind() == AgentEvent.Kind.RESULT)
                .toList();
        assertEquals(1, results.size());
        assertEquals(Map.of("readings", List.of(21.5)), results.get(0).fields().get("result"));
    }

    @Test
    void aResultThatIsNoJsonIsRefusedToTheAgent() {
        List<String> refusals = new ArrayList<>();
        sandbox.addType("odd", sandbox.script().onSetup((ctx, call) -> {
            try {
                ctx.publishResult(new Unreadable());
            } catch (IllegalArgumentException e) {
                refusals.add(e.getMessage());
            }
        }));
        sandbox.spawn(agent("odd", "odd"));
        sandbox.time().runReady();

        assertEquals(1, refusals.size(), "the agent is told at once");
        assertTrue(sandbox.events("odd").stream().noneMatch(e -> e.kind() == AgentEvent.Kind.RESULT));
    }

    @Test
    void anAgentsCpuIsWhatItsCallbacksUsedOverTheLastSeconds() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "this JVM measures no thread CPU time");
        sandbox.addType("busy", sandbox.script().onProcess((ctx, call) -> {
            long start = threads.getCurrentThreadCpuTime();
            while (threads.getCurrentThreadCpuTime() - start < 20_000_000) {
                Thread.onSpinWait(); // 20 ms of CPU, measured, whatever the machine
            }
        }));
        sandbox.addType("idle", sandbox.script());
        sandbox.spawn(agent("busy", "busy", "poll_interval", 1));
        sandbox.spawn(agent("idle", "idle", "poll_interval", 1));

        sandbox.advanceSeconds(10); // ten process() calls of 20 ms each: 0.2 s of CPU in 10 s

        double busy = sandbox.agent("busy").cpuPercent();
        double idle = sandbox.agent("idle").cpuPercent();
        assertTrue(busy >= 1.9 && busy < 5, "about 2 % of one core, with the supervisor's own work: " + busy);
        assertTrue(idle < 0.5, "next to nothing: " + idle);
    }
}
