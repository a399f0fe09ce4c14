package io.flotilla.examples.internal;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.flotilla.api.AgentState;
import io.flotilla.api.AskException;
import io.flotilla.core.testing.Sandbox;

/** The example types, run by the node's own runtime on a manual clock. */
class ExampleAgentsTest {

    private final Sandbox sandbox = Sandbox.create();

    @BeforeEach
    void offerTypes() {
        sandbox.addType("echo", EchoAgent::new);
        sandbox.addType("counter", CounterAgent::new);
        sandbox.addType("temperature-sensor", TemperatureSensorAgent::new);
        sandbox.addType("crasher", CrasherAgent::new);
        sandbox.addType("relay", RelayAgent::new);
        sandbox.addType("pinger", PingerAgent::new);
    }

    @AfterEach
    void close() {
        sandbox.close();
    }


    private Object ask(String agent, Object payload) {
        var reply = sandbox.system().ask(agent, payload, Duration.ofSeconds(5)).toCompletableFuture();
        sandbox.time().runReady();
        return reply.join().value();
    }

    @Test
    void echoRepliesWithThePayloadUnchanged() {
        sandbox.spawn(agent("e", "echo"));
        Map<String, Object> payload = Map.of("text", "hello", "n", List.of(1, 2));
        assertEquals(payload, ask("e", payload));
        assertEquals("plain", ask("e", "plain"));
    }

    @Test
    void relayAsksItsTargetAndRepliesWithItsAnswer() {
        sandbox.spawn(agent("c", "counter", "poll_interval", 0));
        sandbox.spawn(agent("r", "relay", "config", Map.of("target", "c")));
        assertEquals(5L, ask("r", Map.of("add", 5)));
    }

    @Test
    void pingerMeasuresAsksToItsTarget() {
        sandbox.spawn(agent("e", "echo"));
        sandbox.spawn(agent("p", "pinger"));

        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) ask("p", Map.of("target", "e", "count", 50, "concurrency", 4));

        assertEquals(50, seen.get("count"));
        assertEquals(0, seen.get("errors"));
        assertTrue((double) seen.get("p99_ms") >= (double) seen.get("p50_ms"), seen.toString());
        assertTrue(((Number) seen.get("per_second")).longValue() > 0, seen.toString());

        @SuppressWarnings("unchecked")
        Map<String, Object> nobody = (Map<String, Object>) ask("p", Map.of("target", "nobody", "count", 3));
        assertEquals(3, nobody.get("errors"));
        CompletionException e = assertThrows(CompletionException.class, () -> ask("p", Map.of("count", 3)));
        assertTrue(e.getCause().getMessage().contains("pinger needs"), e.getCause().getMessage());
    }

    @Test
    void relayWithoutATargetFailsAtSetup() {
        sandbox.spawn(agent("r", "relay"));
        assertEquals(AgentState.FAILED, sandbox.state("r"));
    }

    @Test
    void counterAddsItsStepEveryPollAndAnswersGetAndAdd() {
        sandbox.spawn(agent("c", "counter", "poll_interval", 1, "config", Map.of("step", 2)));
        sandbox.advanceSeconds(2);

        assertEquals(6L, ask("c", "get"), "three polls of 2");
        assertEquals(16L, ask("c", Map.of("add", 10)));
        assertEquals(16L, ((Number) sandbox.system().info("c").orElseThrow().persisted().get("count")).longValue());
    }

    @Test
    void counterRefusesWhatItDoesNotUnderstand() {
        sandbox.spawn(agent("c", "counter", "poll_interval", 0));
        var reply = sandbox.system().ask("c", "reset", Duration.ofSeconds(5)).toCompletableFuture();
        sandbox.time().runReady();
        CompletionException e = assertThrows(CompletionException.class, reply::join);
        assertEquals(AskException.Reason.HANDLER_FAILED, ((AskException) e.getCause()).reason());
    }

    @Test
    void temperatureSensorPublishesReadingsToItsTopic() {
        List<Object> readings = new ArrayList<>();
        sandbox.addType("listener", sandbox.script().onSetup(
                (ctx, call) -> ctx.subscribe("home/+/temp", message -> readings.add(message.payload()))));
        sandbox.spawn(agent("l", "listener"));
        sandbox.spawn(agent("t", "temperature-sensor", "poll_interval", 1, "config", Map.of("topic", "home/kitchen/temp")));
        sandbox.advanceSeconds(2);

        assertEquals(3, readings.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> reading = (Map<String, Object>) readings.get(0);
        assertEquals(List.of("value", "unit", "node"), new ArrayList<>(reading.keySet()));
        assertEquals("C", reading.get("unit"));
        assertEquals(Sandbox.NODE, reading.get("node"));
        double value = (Double) reading.get("value");
        assertTrue(value >= 18 && value <= 24, "a plausible reading: " + value);
    }

    @Test
    void crasherWithFailSetupFailsForGood() {
        sandbox.spawn(agent("c", "crasher", "config", Map.of("fail_setup", true)));
        assertEquals(AgentState.FAILED, sandbox.state("c"));
        assertTrue(sandbox.errors("c").get(0).message().contains("fail_setup"));
    }

    @Test
    void crasherWithFailEveryRestartsAfterFiveFailures() {
        sandbox.spawn(agent("c", "crasher", "poll_interval", 1, "config", Map.of("fail_every", true)));
        sandbox.advanceSeconds(29.9); // failures at 0, 2, 6 and 14 s: the node's default pauses of 2, 4, 8, 16 s
        assertEquals(AgentState.RUNNING, sandbox.state("c"));
        sandbox.advanceSeconds(0.1);
        assertEquals(AgentState.RESTARTING, sandbox.state("c"), "the fifth failure, at 30 s");
        assertEquals(1, sandbox.agent("c").restartCount());
    }

    @Test
    void crasherWithFailAfterSucceedsThatManyTimesPerRun() {
        sandbox.spawn(agent("c", "crasher", "poll_interval", 1, "config", Map.of("fail_after", 3)));
        sandbox.advanceSeconds(32.9); // successes at 0, 1, 2 s; failures at 3, 5, 9, 17 s
        assertEquals(AgentState.RUNNING, sandbox.state("c"), "3 successes then 4 failures");
        assertEquals(4, sandbox.errors("c").size());
        sandbox.advanceSeconds(0.1);
        assertEquals(AgentState.RESTARTING, sandbox.state("c"), "the fifth failure, at 33 s, restarts it");
    }
}
