package io.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.Message;
import io.flotilla.core.internal.exec.ElasticDispatcher;
import io.flotilla.core.internal.exec.TimerScheduler;
import io.flotilla.core.internal.runtime.AgentSystem;
import io.flotilla.core.internal.runtime.Installer;
import io.flotilla.core.internal.runtime.RuntimeEnvironment;
import io.flotilla.core.internal.store.AgentRecordStore;
import io.flotilla.core.internal.store.StateStore;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.util.Json;

/**
 * Messages between actors in one JVM: Flotilla's agent manager (as a node runs it, with its real
 * dispatcher) beside Apache Pekko typed actors, in the same JMH run. Tell: a burst of
 * {@value #BURST} messages to one actor until it has handled them all. Ask: one request and its reply.
 */
@State(Scope.Benchmark)
public class LocalActorsBenchmark {

    static final int BURST = 10_000;

    // ---------------------------------------------------------------- Flotilla

    /** Counts what it is told; answers an ask with the count. */
    public static final class CountingAgent implements Agent {
        static final AtomicLong HANDLED = new AtomicLong();

        @Override
        public Object handle(Message message, AgentContext ctx) {
            return HANDLED.incrementAndGet();
        }
    }

    private Path data;
    private TimerScheduler timer;
    private ElasticDispatcher dispatcher;
    private ExecutorService events;
    private AgentSystem agents;

    // ---------------------------------------------------------------- Pekko

    /** What the Pekko actor understands. */
    public interface Command {
    }

    record Tell() implements Command {
    }

    record Ask(ActorRef<Long> replyTo) implements Command {
    }

    private static final AtomicLong PEKKO_HANDLED = new AtomicLong();
    private static final Tell TELL = new Tell();
    private ActorSystem<Command> pekko;

    private static Behavior<Command> counting() {
        return Behaviors.receive(Command.class)
                .onMessage(Tell.class, tell -> {
                    PEKKO_HANDLED.incrementAndGet();
                    return Behaviors.same();
                })
                .onMessage(Ask.class, ask -> {
                    ask.replyTo().tell(PEKKO_HANDLED.incrementAndGet());
                    return Behaviors.same();
                })
                .build();
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        data = Files.createTempDirectory("flotilla-bench");
        Json json = new Json();
        int cores = Runtime.getRuntime().availableProcessors();
        timer = new TimerScheduler("bench-timer");
        dispatcher = new ElasticDispatcher("bench-agent", cores, cores * 4, timer, Duration.ofMillis(100));
        events = Executors.newSingleThreadExecutor();
        agents = new AgentSystem(new RuntimeEnvironment("bench", dispatcher, events, timer, Math::random, json,
                new StateStore(data.resolve("state"), json, timer.clock()),
                new AgentRecordStore(data.resolve("agents"), json, timer.clock()), Installer.NONE,
                Duration.ofSeconds(1), Duration.ofSeconds(5)));
        agents.restore();
        agents.addType(Sandbox.factory("counting", CountingAgent::new));
        agents.spawn(SpawnConfig.fromMap(Map.of("name", "counter", "type", "counting", "poll_interval", 0)))
                .settled().toCompletableFuture().get(10, TimeUnit.SECONDS);
        pekko = ActorSystem.create(counting(), "bench");
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        agents.shutdown();
        dispatcher.close();
        timer.close();
        events.shutdownNow();
        pekko.terminate();
        pekko.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BURST)
    public void flotillaTell() {
        long target = CountingAgent.HANDLED.get() + BURST;
        for (int i = 0; i < BURST; i++) {
            agents.tell("counter", "hello");
        }
        while (CountingAgent.HANDLED.get() < target) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BURST)
    public void pekkoTell() {
        long target = PEKKO_HANDLED.get() + BURST;
        for (int i = 0; i < BURST; i++) {
            pekko.tell(TELL);
        }
        while (PEKKO_HANDLED.get() < target) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object flotillaAsk() throws Exception {
        return agents.ask("counter", "hello", Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS).value();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Long pekkoAsk() throws Exception {
        CompletionStage<Long> reply = AskPattern.ask(pekko, Ask::new, Duration.ofSeconds(5), pekko.scheduler());
        return reply.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
