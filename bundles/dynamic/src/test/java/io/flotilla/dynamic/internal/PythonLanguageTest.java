package io.flotilla.dynamic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.api.CompileException;
import io.flotilla.runtime.SpawnConfig;

/** A Python agent's run against a real python3, with a context that records what the agent did. */
class PythonLanguageTest {

    @TempDir
    Path directory;
    private PythonLanguage python;
    private PythonAgent running;

    @BeforeEach
    void useThisMachinesPython() throws Exception {
        python = new PythonLanguage("python3", directory, Duration.ofSeconds(30));
    }

    @AfterEach
    void endTheChild() {
        if (running != null) {
            running.close();
        }
    }

    private RecordingContext start(String code) throws Exception {
        SpawnConfig config = SpawnConfig.fromMap(Map.of("name", "py", "type", "dynamic", "code", code));
        running = (PythonAgent) python.agentFor(config); // .ci/run installs python3
        RecordingContext ctx = new RecordingContext(config);
        running.setup(ctx);
        return ctx;
    }

    @Test
    void theRunnersAgentApiReachesTheNode() throws Exception {
        RecordingContext ctx = start("""
                async def setup(agent):
                    await agent.log(f'ready on {agent.node} as {agent.actor_id}')

                async def process(agent):
                    agent.persist('count', (agent.recall('count') or 0) + 1)
                    await agent.publish('sensors/t', {'count': agent.recall('count')})
                """);

        running.process(ctx);
        running.process(ctx);

        assertEquals("ready on test-node as actor-1", ctx.logged.get(0));
        assertEquals(2, ctx.stored.get("count"));
        assertEquals("sensors/t {\"count\":2}", ctx.published.get(1));
    }

    @Test
    void aTaskIsAnsweredWithWhatHandleTaskReturnsAfterItAskedAnotherAgent() throws Exception {
        RecordingContext ctx = start("""
                async def handle_task(agent, payload):
                    far = await agent.send_to('other', payload)
                    return {'far': far, 'here': len(agent.agents())}
                """);

        Object reply = ((CompletionStage<?>) running.handle(TestMessages.of(5), ctx)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertEquals(Map.of("far", Map.of("echo", 5), "here", 1), reply);
    }

    @Test
    void aSyntaxErrorIsACompileErrorWithItsLineAndColumn() {
        CompileException error = assertThrows(CompileException.class, () -> start("async def process(agent):\n    x = (\n"));

        assertTrue(error.getMessage().startsWith("line 2, column "), error.getMessage());
        assertTrue(error.getMessage().contains("SyntaxError"), error.getMessage());
    }

    @Test
    void anExceptionInProcessIsAFailedCallWithThePythonError() throws Exception {
        RecordingContext ctx = start("async def process(agent):\n    raise ValueError('bad reading')\n");

        PythonError error = assertThrows(PythonError.class, () -> running.process(ctx));

        assertEquals("ValueError: bad reading", error.getMessage());
        assertTrue(error.traceback().contains("line 2, in process"), error.traceback());
    }

    @Test
    void aChildThatDiesCrashesTheAgentAtItsNextCall() throws Exception {
        RecordingContext ctx = start("import os\nasync def process(agent):\n    os._exit(3)\n");

        Throwable crash = assertThrows(Throwable.class, () -> running.process(ctx));

        assertInstanceOf(PythonExited.class, crash instanceof ExecutionException e ? e.getCause() : crash);
        assertTrue(crash.getMessage().contains("exited with status 3"), crash.getMessage());
    }

    @Test
    void aNodeWithoutItsPythonRefusesPythonAgentsSayingSo() throws Exception {
        PythonLanguage missing = new PythonLanguage("/nonexistent/python3", directory, Duration.ofSeconds(30));

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> missing.agentFor(
                SpawnConfig.fromMap(Map.of("name", "py", "type", "dynamic", "code", "pass"))));

        assertEquals("this node cannot run Python agents: there is no /nonexistent/python3 (install python3, or set "
                + "python.executable of io.flotilla.dynamic)", refused.getMessage());
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private java.util.List<ProcessHandle> children() {
        return ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains(directory.toString()))
                .toList();
    }

    @Test
    void aNanReadingIsPublishedAsNullAndTheAgentCarriesOn() throws Exception {
        RecordingContext ctx = start("async def process(agent):\n    await agent.publish('t', {'v': float('nan')})\n");

        running.process(ctx);
        running.process(ctx);

        assertEquals(java.util.List.of("t {\"v\":null}", "t {\"v\":null}"), ctx.published);
    }

    @Test
    void whatTheCodeOrItsSubprocessesPrintIsLoggedAndNeverTakenForAMessage() throws Exception {
        RecordingContext ctx = start("import os\nasync def setup(agent):\n    print('from print')\n"
                + "    os.system('echo from a shell')\n\nasync def process(agent):\n    agent.persist('ok', True)\n");

        running.process(ctx);

        await("both lines in the log", () -> ctx.logged.containsAll(java.util.List.of("from print", "from a shell")));
        assertEquals(true, ctx.stored.get("ok"));
    }

    @Test
    void aChildStuckInABlockingCallEndsWithItsRun() throws Exception {
        RecordingContext ctx = start("import time\nasync def handle_task(agent, payload):\n    time.sleep(600)\n");
        running.handle(TestMessages.of("block"), ctx);
        assertEquals(1, children().size());

        running.teardown(ctx);

        await("the child gone", () -> children().isEmpty());
    }
}
