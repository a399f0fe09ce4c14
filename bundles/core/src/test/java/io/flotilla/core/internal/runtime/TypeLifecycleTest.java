package io.flotilla.core.internal.runtime;

import static io.flotilla.core.testing.Sandbox.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.api.AgentState;
import io.flotilla.api.Reply;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.core.testing.ScriptedAgent.Script;

/** Agent types come and go with their bundles: agents wait for them and move to new code. */
class TypeLifecycleTest {

    private final Sandbox sandbox = Sandbox.create();

    @AfterEach
    void close() {
        sandbox.close();
    }


    private Script counter(String version) {
        return sandbox.script()
                .onProcess((ctx, call) -> ctx.persist("count", ctx.recall("count", Long.class).orElse(0L) + 1))
                .onHandle((message, ctx) -> version + ":" + ctx.recall("count", Long.class).orElse(0L));
    }

    @Test
    void anUpdatedBundleRestartsItsAgentsOnTheNewCodeWithStateAndMessages() {
        Script v1 = counter("v1");
        var oldProvider = sandbox.addType("counter", v1);
        sandbox.spawn(agent("c", "counter", "poll_interval", 1));
        sandbox.advanceSeconds(2);

        sandbox.removeType(oldProvider);
        assertEquals(AgentState.WAITING, sandbox.state("c"));
        assertEquals(1, v1.teardowns.get());
        CompletableFuture<Reply> asked = sandbox.system().ask("c", "count?", Duration.ofSeconds(30)).toCompletableFuture();
        sandbox.time().runReady();
        assertTrue(!asked.isDone(), "the message waits for the new code");

        Script v2 = counter("v2");
        sandbox.addType("counter", v2);

        assertEquals(AgentState.RUNNING, sandbox.state("c"));
        assertEquals("v2:4", asked.join().value(), "handled by v2, with the state v1 left (3) plus v2's first tick");
        assertEquals(0, sandbox.agent("c").restartCount(), "an update is not a crash");
    }

    @Test
    void aNewerProviderOfARunningTypeTakesItsAgentsOver() {
        Script v1 = counter("v1");
        sandbox.addType("counter", v1);
        sandbox.spawn(agent("c", "counter", "poll_interval", 0));

        Script v2 = counter("v2");
        sandbox.addType("counter", v2);

        assertEquals(1, v1.teardowns.get());
        assertEquals(1, v2.setups.get());
        CompletableFuture<Reply> asked = sandbox.system().ask("c", "which?", Duration.ofSeconds(1)).toCompletableFuture();
        sandbox.time().runReady();
        assertEquals("v2:0", asked.join().value());
    }

    @Test
    void anAgentWaitingForItsTypeIsNotHurriedIntoFailing() {
        var provider = sandbox.addType("echo", sandbox.script());
        sandbox.spawn(agent("e", "echo"));
        sandbox.removeType(provider);

        sandbox.advanceSeconds(24 * 3600);

        assertEquals(AgentState.WAITING, sandbox.state("e"));
        assertTrue(sandbox.system().info("e").orElseThrow().detail().contains("waiting for type 'echo'"));
    }
}
