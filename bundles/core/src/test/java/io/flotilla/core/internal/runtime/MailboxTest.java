package io.flotilla.core.internal.runtime;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.api.AgentState;
import io.flotilla.api.AskException;
import io.flotilla.api.Reply;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.core.testing.ScriptedAgent.Script;
import io.flotilla.runtime.SpawnResult;

/** Messages by name: replies, errors, timeouts, and what happens to messages around restarts. */
class MailboxTest {

    private final Sandbox sandbox = Sandbox.create();

    @AfterEach
    void close() {
        sandbox.close();
    }


    private CompletableFuture<Reply> ask(String target, Object payload) {
        CompletionStage<Reply> reply = sandbox.system().ask(target, payload, Duration.ofSeconds(2));
        sandbox.time().runReady();
        return reply.toCompletableFuture();
    }

    private static AskException failure(CompletableFuture<Reply> reply) {
        CompletionException e = assertThrows(CompletionException.class, reply::join);
        return (AskException) e.getCause();
    }

    @Test
    void anAskIsAnsweredWithWhatHandleReturns() {
        sandbox.addType("echo", sandbox.script());
        sandbox.spawn(agent("e", "echo", "poll_interval", 0));

        Reply reply = ask("e", Map.of("text", "hi")).join();

        assertEquals("e", reply.from());
        assertEquals(Map.of("text", "hi"), reply.value());
    }

    @Test
    void aHandlerThatThrowsAnswersWithAnErrorAndKeepsRunning() {
        sandbox.addType("picky", sandbox.script().onHandle((message, ctx) -> {
            if ("bad".equals(message.payload())) {
                throw new IllegalArgumentException("cannot handle bad");
            }
            return "ok";
        }));
        sandbox.spawn(agent("p", "picky"));

        AskException e = failure(ask("p", "bad"));

        assertEquals(AskException.Reason.HANDLER_FAILED, e.reason());
        assertTrue(e.getMessage().contains("IllegalArgumentException: cannot handle bad"), e.getMessage());
        assertEquals(AgentState.RUNNING, sandbox.state("p"));
        assertEquals("ok", ask("p", "good").join().value());
    }

    @Test
    void anAskToNobodyEndsWithNoSuchAgent() {
        AskException e = failure(ask("nobody", "hello"));
        assertEquals(AskException.Reason.NO_SUCH_AGENT, e.reason());
        assertTrue(e.getMessage().contains("no agent named nobody"), e.getMessage());
    }

    @Test
    void anAskToAStoppedAgentEndsWithNotRunning() {
        sandbox.addType("echo", sandbox.script());
        sandbox.spawn(agent("e", "echo"));
        sandbox.stop("e");

        assertEquals(AskException.Reason.NOT_RUNNING, failure(ask("e", "hello")).reason());
    }

    @Test
    void anAskWithoutAReplyEndsWithATimeout() {
        sandbox.addType("silent", sandbox.script().onHandle((message, ctx) -> new CompletableFuture<>()));
        sandbox.spawn(agent("s", "silent"));

        CompletableFuture<Reply> reply = ask("s", "anyone?");
        sandbox.advanceSeconds(1.9);
        assertTrue(!reply.isDone());
        sandbox.advanceSeconds(0.1);

        AskException e = failure(reply);
        assertEquals(AskException.Reason.TIMEOUT, e.reason());
        assertTrue(e.getMessage().contains("no reply from s within 2.0 s"), e.getMessage());
    }

    @Test
    void aHandlerMayReplyLaterThroughACompletionStage() {
        CompletableFuture<Object> later = new CompletableFuture<>();
        sandbox.addType("slow", sandbox.script().onHandle((message, ctx) -> later));
        sandbox.spawn(agent("s", "slow"));

        CompletableFuture<Reply> reply = ask("s", "x");
        later.complete(42);

        assertEquals(42, reply.join().value());
    }

    @Test
    void aHandlerMayAskAnotherAgentWithoutBlocking() {
        sandbox.addType("echo", sandbox.script());
        sandbox.addType("relay", sandbox.script().onHandle(
                (message, ctx) -> ctx.ask("e", message.payload()).thenApply(r -> "relayed " + r.value())));
        sandbox.spawn(agent("e", "echo"));
        sandbox.spawn(agent("r", "relay"));

        assertEquals("relayed ping", ask("r", "ping").join().value());
    }

    @Test
    void messagesSentDuringABackOffWaitAndAreHandledAfterTheRestart() {
        List<Object> handled = new ArrayList<>();
        Script crashOnce = sandbox.script()
                .onProcess((ctx, call) -> {
                    if (call == 1) {
                        throw new AssertionError("crash");
                    }
                })
                .onHandle((message, ctx) -> {
                    handled.add(message.payload());
                    return message.payload();
                });
        sandbox.addType("crash-once", crashOnce);
        sandbox.spawn(agent("c", "crash-once"));
        assertEquals(AgentState.RESTARTING, sandbox.state("c"));

        CompletableFuture<Reply> first = sandbox.system().ask("c", 1, Duration.ofSeconds(10)).toCompletableFuture();
        sandbox.system().tell("c", 2);
        sandbox.time().runReady();
        assertTrue(handled.isEmpty());
        assertTrue(!first.isDone());

        sandbox.advanceSeconds(3);

        assertEquals(List.of(1, 2), handled);
        assertEquals(1, first.join().value());
    }

    @Test
    void aSecondSpawnOfARunningNameIsIgnored() {
        Script echo = sandbox.script();
        sandbox.addType("echo", echo);

        SpawnResult first = sandbox.spawn(agent("e", "echo"));
        SpawnResult second = sandbox.spawn(agent("e", "echo", "poll_interval", 1));

        assertEquals(SpawnResult.Outcome.SPAWNED, first.outcome());
        assertEquals(SpawnResult.Outcome.ALREADY_RUNNING, second.outcome());
        assertEquals(1, echo.setups.get());
        assertEquals(1, sandbox.system().list().size());
    }

    @Test
    void replaceStopsTheOldInstanceAndHandsOverWaitingMessages() {
        Script echo = sandbox.script();
        sandbox.addType("echo", echo);
        Script crashOnce = sandbox.script().onProcess((ctx, call) -> {
            throw new AssertionError("crash");
        });
        sandbox.addType("crasher", crashOnce);
        sandbox.spawn(agent("e", "crasher"));
        CompletableFuture<Reply> waiting = ask("e", "still there?");

        SpawnResult replaced = sandbox.spawn(agent("e", "echo", "replace", true));

        assertEquals(SpawnResult.Outcome.REPLACED, replaced.outcome());
        assertEquals("echo", sandbox.agent("e").type());
        assertEquals(AgentState.RUNNING, sandbox.state("e"));
        assertEquals("still there?", waiting.join().value());
    }

    @Test
    void subscriptionsDeliverThroughTheMailboxUntilTheRunEnds() {
        List<Object> seen = new ArrayList<>();
        sandbox.addType("listener", sandbox.script().onSetup(
                (ctx, call) -> ctx.subscribe("sensors/+/temperature", message -> seen.add(message.topic().orElseThrow()))));
        sandbox.addType("sensor", sandbox.script().onProcess(
                (ctx, call) -> ctx.publish("sensors/" + ctx.name() + "/temperature", Map.of("value", call))));
        sandbox.spawn(agent("l", "listener"));
        sandbox.spawn(agent("kitchen", "sensor", "poll_interval", 1));
        sandbox.advanceSeconds(1);

        assertEquals(List.of("sensors/kitchen/temperature", "sensors/kitchen/temperature"), seen);

        sandbox.stop("l");
        sandbox.advanceSeconds(5);
        assertEquals(2, seen.size(), "no delivery after the run ended");
    }
}
