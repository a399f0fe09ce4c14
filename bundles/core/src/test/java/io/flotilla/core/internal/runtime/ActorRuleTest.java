package io.flotilla.core.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentState;
import io.flotilla.api.Message;
import io.flotilla.api.Reply;
import io.flotilla.api.Severity;
import io.flotilla.core.internal.exec.ElasticDispatcher;
import io.flotilla.core.internal.exec.TimerScheduler;
import io.flotilla.core.internal.store.AgentRecordStore;
import io.flotilla.core.internal.store.StateStore;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.runtime.AgentEvent;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.util.Json;

/**
 * The actor rule on real threads: one agent's callbacks never overlap; an agent blocked in its
 * code does not stall the others; an idle agent holds no thread; a hung process() is interrupted.
 */
class ActorRuleTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private TimerScheduler timer;
    private ElasticDispatcher dispatcher;
    private ExecutorService eventThread;
    private AgentSystem system;
    private final List<AgentEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        timer = new TimerScheduler("test-timer");
        // One base thread makes "does not stall the others" strict: the pool must grow to keep it.
        dispatcher = new ElasticDispatcher("test-agent", 1, 64, timer, Duration.ofMillis(20));
        eventThread = Executors.newSingleThreadExecutor();
        Json json = new Json();
        system = new AgentSystem(new RuntimeEnvironment("test-node", dispatcher, eventThread, timer, Math::random, json,
                new StateStore(data.resolve("state"), json, timer.clock()),
                new AgentRecordStore(data.resolve("agents"), json, timer.clock()), Installer.NONE,
                Duration.ofSeconds(5), Duration.ofSeconds(5), ProcessBackoff.POLL)); // five timeouts within the test's wait
        system.addListener(events::add);
        system.restore();
    }

    @AfterEach
    void stop() {
        system.shutdown();
        dispatcher.close();
        timer.close();
        eventThread.shutdownNow();
    }

    private void addType(String type, java.util.function.Supplier<Agent> agents) {
        system.addType(Sandbox.factory(type, agents));
    }

    private void spawn(String name, String type, Object... fields) {
        system.spawn(SpawnConfig.fromMap(Sandbox.agent(name, type, fields))).settled().toCompletableFuture().join();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Counts how many callbacks of its agent run at once. */
    static final class OverlapDetector implements Agent {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final AtomicInteger handled = new AtomicInteger();

        private void enter() {
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            Thread.onSpinWait();
            inside.decrementAndGet();
        }

        @Override
        public void process(AgentContext ctx) {
            enter();
        }

        @Override
        public Object handle(Message message, AgentContext ctx) {
            enter();
            handled.incrementAndGet();
            return null;
        }
    }

    @Test
    void oneAgentsCallbacksNeverOverlap() throws Exception {
        OverlapDetector detector = new OverlapDetector();
        addType("overlap", () -> detector);
        spawn("o", "overlap", "poll_interval", 0.001);
        int senders = 4;
        int perSender = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perSender; i++) {
                    system.tell("o", i);
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        await("all messages handled", () -> detector.handled.get() == senders * perSender);

        assertEquals(1, detector.maxInside.get(), "never two callbacks of one agent at once");
    }

    @Test
    void anAgentBlockedInItsCodeDoesNotStallTheOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(2);
        addType("blocker", () -> new Agent() {
            @Override
            public Object handle(Message message, AgentContext ctx) throws Exception {
                blocked.countDown();
                release.await();
                return "released";
            }
        });
        addType("echo", () -> new Agent() {
            @Override
            public Object handle(Message message, AgentContext ctx) {
                return message.payload();
            }
        });
        spawn("b1", "blocker");
        spawn("b2", "blocker");
        spawn("e", "echo");
        try {
            system.tell("b1", "block");
            system.tell("b2", "block");
            assertTrue(blocked.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "both blockers are inside handle()");

            Reply reply = system.ask("e", "still alive?", Duration.ofSeconds(10)).toCompletableFuture()
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

            assertEquals("still alive?", reply.value());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aHandlerThatWaitsOnANestedAskDoesNotDeadlock() throws Exception {
        addType("echo", () -> new Agent() {
            @Override
            public Object handle(Message message, AgentContext ctx) {
                return message.payload();
            }
        });
        addType("blocking-relay", () -> new Agent() {
            @Override
            public Object handle(Message message, AgentContext ctx) throws Exception {
                // Deliberately blocking, as careless agent code does.
                return "relayed " + ctx.ask("e", message.payload()).toCompletableFuture().get().value();
            }
        });
        spawn("e", "echo");
        for (int i = 0; i < 4; i++) {
            spawn("r" + i, "blocking-relay");
        }
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replies.add(system.ask("r" + i, "m" + i, Duration.ofSeconds(15)).toCompletableFuture());
        }
        for (int i = 0; i < 4; i++) {
            assertEquals("relayed m" + i, replies.get(i).get(DEADLINE.toSeconds(), TimeUnit.SECONDS).value());
        }
    }

    @Test
    void idleAgentsHoldNoThreads() throws Exception {
        addType("idle", () -> new Agent() { });
        int before = dispatcher.threads();
        for (int i = 0; i < 2_000; i++) {
            system.spawn(SpawnConfig.fromMap(Map.of("name", "idle-" + i, "type", "idle", "poll_interval", 60)));
        }
        await("2,000 agents running", () -> system.list().stream().allMatch(a -> a.state() == AgentState.RUNNING));

        assertTrue(dispatcher.threads() <= Math.max(before, 1) + 1,
                "2,000 idle agents on " + dispatcher.threads() + " pool threads");
        long agentThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("test-agent")).count();
        assertTrue(agentThreads <= 2, agentThreads + " agent threads for 2,000 idle agents");
    }

    @Test
    void aHungProcessIsInterruptedAndCountedAsAFailure() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        addType("hang", () -> new Agent() {
            @Override
            public void process(AgentContext ctx) throws Exception {
                never.await();
            }
        });
        spawn("h", "hang", "poll_interval", 0.05, "process_timeout", 0.2);

        await("a process_timeout failure", () -> events.stream().anyMatch(e -> e.agent().equals("h")
                && e.kind() == AgentEvent.Kind.ERROR && e.message().contains("exceeded process_timeout of 0.2 s")));

        AgentEvent first = events.stream().filter(e -> e.agent().equals("h") && e.kind() == AgentEvent.Kind.ERROR)
                .findFirst().orElseThrow();
        assertEquals(Severity.WARNING, first.severity(), "one failure, not yet a crash");
        assertEquals("process", first.phase());
        await("the fifth timeout restarts it", () -> system.find("h").orElseThrow().restartCount() == 1);
    }

    @Test
    void aProcessThatIgnoresInterruptsIsGivenUpOnAndTheAgentRestartsOnAFreshInstance() throws Exception {
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicInteger instances = new AtomicInteger();
        AtomicInteger stuckReturned = new AtomicInteger();
        AtomicInteger freshPolls = new AtomicInteger();
        List<String> refusedToTheAbandoned = new java.util.concurrent.CopyOnWriteArrayList<>();
        addType("stubborn", () -> {
            boolean first = instances.incrementAndGet() == 1;
            return new Agent() {
                @Override
                public void process(AgentContext ctx) {
                    if (!first) {
                        freshPolls.incrementAndGet();
                        return;
                    }
                    while (letGo.getCount() > 0) { // deaf to interrupts, as blocking native code or a busy loop is
                        try {
                            letGo.await();
                        } catch (InterruptedException ignored) {
                            // carries on waiting
                        }
                    }
                    try {
                        ctx.persist("stale", true); // too late: no longer the agent's instance
                    } catch (IllegalStateException e) {
                        refusedToTheAbandoned.add(e.getMessage());
                    }
                    stuckReturned.incrementAndGet();
                }

                @Override
                public Object handle(Message message, AgentContext ctx) {
                    return "instance " + (first ? 1 : 2);
                }
            };
        });
        spawn("s", "stubborn", "poll_interval", 0.05, "process_timeout", 0.2, "restart_delay", 0.1);

        await("a fresh instance running", () -> instances.get() == 2 && system.find("s").orElseThrow().state() == AgentState.RUNNING);
        List<AgentEvent> errors = events.stream().filter(e -> e.agent().equals("s") && e.kind() == AgentEvent.Kind.ERROR).toList();
        assertEquals("process", errors.get(0).phase());
        assertTrue(errors.get(0).message().contains("did not return within process_timeout of 0.2 s, nor when interrupted"),
                errors.get(0).message());
        assertEquals("supervisor", errors.get(1).phase());
        assertEquals(1, system.find("s").orElseThrow().restartCount());
        assertEquals("instance 2", system.askFrom(null, "s", "who?", DEADLINE).toCompletableFuture().join().value(),
                "the agent's context goes on without the stuck thread");

        letGo.countDown();
        await("the stuck call to return", () -> stuckReturned.get() == 1);
        int polled = freshPolls.get();
        await("three more polls of the fresh instance", () -> freshPolls.get() >= polled + 3);
        assertEquals(AgentState.RUNNING, system.find("s").orElseThrow().state());
        assertEquals(2, instances.get());
        assertEquals(2, events.stream().filter(e -> e.agent().equals("s") && e.kind() == AgentEvent.Kind.ERROR).count());
        assertEquals(1, refusedToTheAbandoned.size());
        assertTrue(refusedToTheAbandoned.get(0).contains("was abandoned"), refusedToTheAbandoned.get(0));
        assertTrue(!system.info("s").orElseThrow().persisted().containsKey("stale"), "the fresh instance's state untouched");
    }
}
