package io.flotilla.core.internal.runtime;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.api.AgentState;
import io.flotilla.api.Reply;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.core.testing.ScriptedAgent.Script;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.runtime.SpawnResult;
import io.flotilla.spi.handoff.AgentSnapshot;
import io.flotilla.spi.handoff.PendingMessage;

/** The agent manager's part in a move: pause and snapshot, resume, release, adopt, stale copies. */
class HandoffTest {

    private final Sandbox source = Sandbox.create();
    private final Sandbox target = Sandbox.create();

    @AfterEach
    void close() {
        source.close();
        target.close();
    }

    /** A counter that persists how many messages it handled and answers with that count. */
    private Script counting(Sandbox node) {
        return node.script().onHandle((message, ctx) -> {
                    long next = ctx.recall("count", Long.class).orElse(0L) + 1;
                    ctx.persist("count", next);
                    return next;
                });
    }

    private CompletableFuture<Reply> ask(Sandbox node, String name, Object payload) {
        CompletableFuture<Reply> reply = node.system().ask(name, payload, Duration.ofSeconds(30)).toCompletableFuture();
        node.time().runReady();
        return reply;
    }

    private AgentSnapshot pause(String name) {
        CompletableFuture<AgentSnapshot> snapshot = source.system().pause(name).toCompletableFuture();
        source.time().runReady();
        return snapshot.join();
    }

    @Test
    void aPausedAgentKeepsItsMessagesUntilItResumes() {
        Script script = counting(source);
        source.addType("counter", script);
        source.spawn(agent("c", "counter", "poll_interval", 1));
        ask(source, "c", "one").join();

        AgentSnapshot snapshot = pause("c");
        CompletableFuture<Reply> waiting = ask(source, "c", "two");
        int processes = script.processes.get();
        source.advanceSeconds(5);

        assertEquals(AgentState.PAUSED, source.state("c"));
        assertEquals(1L, ((Number) snapshot.state().get("count")).longValue());
        assertEquals(0, snapshot.epoch());
        assertFalse(waiting.isDone(), "a paused agent handles nothing");
        assertEquals(processes, script.processes.get(), "nor is it polled");

        source.system().resume("c", 3);
        source.time().runReady();

        assertEquals(2L, waiting.join().value());
        assertEquals(AgentState.RUNNING, source.state("c"));
        assertEquals(3, source.agent("c").epoch(), "resumed above the epoch a late copy elsewhere may have");
        source.advanceSeconds(1);
        assertTrue(script.processes.get() > processes, "polled again");
    }

    @Test
    void onlyARunningAgentCanBePaused() {
        source.addType("counter", counting(source));
        source.spawn(agent("c", "counter"));
        source.stop("c");

        CompletableFuture<AgentSnapshot> refused = source.system().pause("c").toCompletableFuture();
        source.time().runReady();

        CompletionException e = assertThrows(CompletionException.class, refused::join);
        assertTrue(e.getCause().getMessage().contains("agent c is stopped"), e.getCause().getMessage());
        assertThrows(CompletionException.class, () -> source.system().pause("nobody").toCompletableFuture().join());
    }

    @Test
    void aReleasedAgentHandsOverWhatWaitedAndLeavesNothingBehind() throws Exception {
        Script script = counting(source);
        source.addType("counter", script);
        source.spawn(agent("c", "counter", "poll_interval", 0));
        ask(source, "c", "one").join();
        pause("c");
        CompletableFuture<Reply> asked = ask(source, "c", "two");
        source.system().tellFrom("someone", "c", "three");

        CompletableFuture<List<PendingMessage>> released = source.system().release("c", "far").toCompletableFuture();
        source.time().runReady();

        List<PendingMessage> waiting = released.join();
        assertEquals(List.of("two", "three"), waiting.stream().map(PendingMessage::payload).toList());
        assertTrue(waiting.get(0).isAsk());
        assertEquals("someone", waiting.get(1).sender());
        assertFalse(asked.isDone(), "the ask is answered by the node the agent went to");
        assertEquals(1, script.teardowns.get());
        assertTrue(source.system().find("c").isEmpty());
        AgentEvent last = source.events("c").get(source.events("c").size() - 1);
        assertEquals(AgentEvent.Kind.REMOVED, last.kind(), "listeners learn it is gone (tasks stop coming here)");
        assertEquals("far", last.message());
        assertFalse(Files.exists(source.directory().resolve("state/c.json")));
        assertEquals(Optional.of("far"), source.system().departedTo("c"), "it remembers where the agent went");
    }

    @Test
    void anAgentThatMovedAwayIsNotBroughtBackByThisNodesDeclarations() {
        source.addType("counter", counting(source));
        source.spawn(agent("c", "counter"));
        pause("c");
        CompletableFuture<List<PendingMessage>> released = source.system().release("c", "far").toCompletableFuture();

        SpawnResult whileLeaving = source.system().spawnDeclared(SpawnConfig.fromMap(agent("c", "counter")));
        source.time().runReady();
        released.join();
        SpawnResult gone = source.system().spawnDeclared(SpawnConfig.fromMap(agent("c", "counter", "poll_interval", 9)));
        source.time().runReady();

        assertEquals(SpawnResult.Outcome.DEPARTED, whileLeaving.outcome(), "stopped here, but already the target's");
        assertEquals(SpawnResult.Outcome.DEPARTED, gone.outcome(), "whatever the declared config");
        assertEquals("far", gone.agent().node());
        assertTrue(source.system().find("c").isEmpty());
        assertEquals(Optional.of("far"), source.system().departedTo("c"));
    }

    @Test
    void aDepartedAgentIsRememberedUntilItIsSpawnedHereOrComesBack() {
        source.addType("counter", counting(source));
        source.spawn(agent("spawned-again", "counter"));
        source.spawn(agent("back-again", "counter"));
        for (String name : List.of("spawned-again", "back-again")) {
            pause(name);
            source.system().release(name, "far");
            source.time().runReady();
            assertEquals(Optional.of("far"), source.system().departedTo(name));
        }

        source.spawn(agent("spawned-again", "counter"));
        assertEquals(SpawnResult.Outcome.ALREADY_RUNNING,
                source.system().spawnDeclared(SpawnConfig.fromMap(agent("spawned-again", "counter"))).outcome(),
                "spawned here explicitly, it is this node's again");
        source.system().adopt(new AgentSnapshot(SpawnConfig.fromMap(agent("back-again", "counter")), "a", 2, Map.of()));
        source.time().runReady();

        assertEquals(Optional.empty(), source.system().departedTo("spawned-again"));
        assertEquals(Optional.empty(), source.system().departedTo("back-again"));
        assertEquals(Optional.empty(), source.system().departedTo("never-here"));
    }

    @Test
    void anAdoptedAgentStartsWithTheStateAndEpochItBrought() {
        target.addType("counter", counting(target));
        SpawnConfig config = SpawnConfig.fromMap(agent("c", "counter", "poll_interval", 0));

        target.system().adopt(new AgentSnapshot(config, "actor-1", 4, Map.of("count", 41)));
        target.time().runReady();

        assertEquals(AgentState.RUNNING, target.state("c"));
        assertEquals("actor-1", target.agent("c").actorId());
        assertEquals(4, target.agent("c").epoch());
        assertEquals(42L, ask(target, "c", "next").join().value());
    }

    @Test
    void adoptionIsRefusedWhenTheNameRunsHereOrANewerCopyIsKnown() {
        target.addType("counter", counting(target));
        target.spawn(agent("busy", "counter"));
        SpawnConfig busy = SpawnConfig.fromMap(agent("busy", "counter"));

        IllegalStateException running = assertThrows(IllegalStateException.class,
                () -> target.system().adopt(new AgentSnapshot(busy, "other", 1, Map.of())));
        assertTrue(running.getMessage().contains("already runs"), running.getMessage());

        target.system().adopt(new AgentSnapshot(SpawnConfig.fromMap(agent("moved", "counter")), "a", 5, Map.of()));
        target.time().runReady();
        target.stop("moved");
        IllegalStateException older = assertThrows(IllegalStateException.class, () -> target.system()
                .adopt(new AgentSnapshot(SpawnConfig.fromMap(agent("moved", "counter")), "a", 5, Map.of())));
        assertTrue(older.getMessage().contains("epoch 5"), older.getMessage());
    }

    @Test
    void aStaleCopyIsDiscardedButAPausedOneIsLeftToItsMove() {
        target.addType("counter", counting(target));
        target.system().adopt(new AgentSnapshot(SpawnConfig.fromMap(agent("c", "counter")), "a", 2, Map.of("count", 7)));
        target.time().runReady();

        assertFalse(target.system().discardStale("c", 2), "the same epoch is no newer");
        assertTrue(target.system().discardStale("c", 3));
        target.time().runReady();

        assertTrue(target.system().find("c").isEmpty());
        assertFalse(Files.exists(target.directory().resolve("state/c.json")));

        source.addType("counter", counting(source));
        source.spawn(agent("p", "counter"));
        pause("p");
        assertFalse(source.system().discardStale("p", 9), "a paused agent is moving: its move decides");
    }

    @Test
    void aWaitForATypeEndsWhenItArrivesOrAtItsLimit() {
        CompletableFuture<Void> arrives = source.system().awaitType("late", Duration.ofSeconds(5)).toCompletableFuture();
        CompletableFuture<Void> never = source.system().awaitType("never", Duration.ofSeconds(5)).toCompletableFuture();

        source.addType("late", source.script());
        source.advanceSeconds(5);

        assertTrue(arrives.isDone() && !arrives.isCompletedExceptionally());
        CompletionException e = assertThrows(CompletionException.class, never::join);
        assertTrue(e.getCause().getMessage().contains("did not appear within 5.0 s"), e.getCause().getMessage());
        assertTrue(source.system().awaitType("late", Duration.ZERO).toCompletableFuture().isDone());
    }
}
