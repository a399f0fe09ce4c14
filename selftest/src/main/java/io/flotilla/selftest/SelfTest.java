package io.flotilla.selftest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.core.testing.Sandbox;
import io.flotilla.core.testing.ScriptedAgent.Script;
import io.flotilla.dynamic.internal.DynamicAgent;
import io.flotilla.dynamic.internal.JavaLanguage;
import io.flotilla.runtime.AgentEvent;

/**
 * The launcher's {@code bin/flotilla --test}: the supervisor's rules, run on this machine with the
 * node's own runtime code and a clock that moves only when told. Needs no broker and no framework.
 * Exits 0 only when every check passes.
 */
public final class SelfTest {

    private final PrintStream out;
    private int passed;
    private int failed;

    SelfTest(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        SelfTest test = new SelfTest(System.out);
        test.runAll();
        System.exit(test.failed == 0 ? 0 : 1);
    }

    /** Runs every check; true when all passed. */
    boolean runAll() {
        out.println("Flotilla supervisor self-test");
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("stable agent", this::stableAgent);
        checks.put("crash and restart", this::crashAndRestart);
        checks.put("back-off: failed calls 2, 4, 8, 16 s apart, restarts 3, 6, 12, 24, 48, 60 s later", this::backOff);
        checks.put("budget exhaustion", this::budgetExhaustion);
        checks.put("deliberate stop", this::deliberateStop);
        checks.put("health credit", this::healthCredit);
        checks.put("unresolvable type", this::unresolvableType);
        checks.put("compile error: a Java agent from source that does not compile fails at once", this::compileError);
        checks.put("setup failure", this::setupFailure);
        checks.put("state survives a node restart", this::stateSurvivesRestart);
        checks.forEach(this::run);
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    private void run(String name, Check check) {
        try {
            check.run();
            passed++;
            out.println("  PASS  " + name);
        } catch (Exception | AssertionError e) {
            failed++;
            out.println("  FAIL  " + name + ": " + e.getMessage());
        }
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }


    private static Script alwaysFailing(Sandbox sandbox) {
        return sandbox.script().onProcess((ctx, call) -> {
            throw new IllegalStateException("simulated failure " + call);
        });
    }

    private void stableAgent() {
        try (Sandbox sandbox = Sandbox.create()) {
            Script stable = sandbox.script();
            sandbox.addType("stable", stable);
            sandbox.spawn(Sandbox.agent("stable", "stable", "poll_interval", 5));
            sandbox.advanceSeconds(60);
            expect(sandbox.state("stable") == AgentState.RUNNING, "running after 60 s, was " + sandbox.state("stable"));
            expect(stable.processes.get() == 13, "13 process() calls in 60 s, was " + stable.processes.get());
            expect(stable.setups.get() == 1, "never restarted, setups " + stable.setups.get());
        }
    }

    private void crashAndRestart() {
        try (Sandbox sandbox = Sandbox.create()) {
            Script failing = alwaysFailing(sandbox);
            sandbox.addType("failing", failing);
            sandbox.spawn(Sandbox.agent("crash", "failing", "poll_interval", 1));
            sandbox.advanceSeconds(29.9);
            expect(sandbox.state("crash") == AgentState.RUNNING, "4 failures, 2 + 4 + 8 + 16 s apart, do not restart it, was "
                    + sandbox.state("crash"));
            sandbox.advanceSeconds(0.1);
            expect(sandbox.state("crash") == AgentState.RESTARTING, "restarting after the fifth failure, at 30 s, was "
                    + sandbox.state("crash"));
            sandbox.advanceSeconds(3);
            expect(failing.setups.get() == 2, "set up again 3 s later, setups " + failing.setups.get());
            expect(sandbox.agent("crash").restartCount() == 1, "restart_count 1");
        }
    }

    private void backOff() {
        try (Sandbox sandbox = Sandbox.create()) {
            Script failing = alwaysFailing(sandbox);
            sandbox.addType("failing", failing);
            sandbox.spawn(Sandbox.agent("backoff", "failing", "poll_interval", 0.001, "max_restarts", 6));
            sandbox.advanceSeconds(400);
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < failing.setupTimes.size(); i++) {
                gaps.add(Duration.between(failing.setupTimes.get(i - 1), failing.setupTimes.get(i)).toSeconds());
            }
            // each run: five failures 2 + 4 + 8 + 16 s apart, then restart_delay doubling from 3 s
            expect(gaps.equals(List.of(33L, 36L, 42L, 54L, 78L, 90L)), "delays " + gaps);
        }
    }

    private void budgetExhaustion() {
        try (Sandbox sandbox = Sandbox.create()) {
            Script failing = alwaysFailing(sandbox);
            sandbox.addType("failing", failing);
            sandbox.spawn(Sandbox.agent("budget", "failing", "poll_interval", 0.001));
            sandbox.advanceSeconds(600);
            expect(sandbox.state("budget") == AgentState.FAILED, "failed, was " + sandbox.state("budget"));
            expect(failing.setups.get() == 6, "first run and 5 restarts, was " + failing.setups.get());
            AgentEvent last = sandbox.errors("budget").get(sandbox.errors("budget").size() - 1);
            expect(last.severity() == Severity.FATAL, "a fatal event");
        }
    }

    private void deliberateStop() {
        try (Sandbox sandbox = Sandbox.create()) {
            Script stable = sandbox.script();
            sandbox.addType("stable", stable);
            sandbox.spawn(Sandbox.agent("stopme", "stable", "poll_interval", 1));
            sandbox.stop("stopme");
            sandbox.advanceSeconds(600);
            expect(sandbox.state("stopme") == AgentState.STOPPED, "stopped, was " + sandbox.state("stopme"));
            expect(stable.setups.get() == 1 && stable.teardowns.get() == 1, "torn down once, never restarted");
        }
    }

    private void healthCredit() {
        try (Sandbox sandbox = Sandbox.create()) {
            Script flaky = sandbox.script().onProcess((ctx, call) -> {
                if (call <= 5) {
                    throw new IllegalStateException("flaky " + call);
                }
            });
            sandbox.addType("flaky", flaky);
            sandbox.spawn(Sandbox.agent("credit", "flaky", "poll_interval", 1));
            sandbox.advanceSeconds(31); // five failures 2 + 4 + 8 + 16 s apart: the crash at 30 s
            expect(sandbox.agent("credit").restartCount() == 1, "restart_count 1 after the crash");
            sandbox.advanceSeconds(13); // set up again at 33 s, ten successes by 42 s
            expect(sandbox.agent("credit").restartCount() == 0, "credited back after 10 successes, was "
                    + sandbox.agent("credit").restartCount());
        }
    }

    private void unresolvableType() {
        try (Sandbox sandbox = Sandbox.create()) {
            sandbox.spawn(Sandbox.agent("ghost", "no-such-type"));
            expect(sandbox.state("ghost") == AgentState.FAILED, "failed at once, was " + sandbox.state("ghost"));
            expect(sandbox.errors("ghost").get(0).message().contains("no-such-type"), "the error names the type");
        }
    }

    private void compileError() {
        try (Sandbox sandbox = Sandbox.create()) {
            JavaLanguage java = new JavaLanguage();
            sandbox.addType("dynamic", () -> new DynamicAgent(java, null));
            sandbox.spawn(Sandbox.agent("broken-code", "dynamic", "language", "java", "max_restarts", 3,
                    "code", "public void process(AgentContext ctx) {\n    int reading = \"not a number\";\n}"));
            sandbox.advanceSeconds(600);
            expect(sandbox.state("broken-code") == AgentState.FAILED, "failed, was " + sandbox.state("broken-code"));
            expect(sandbox.agent("broken-code").restartCount() == 0, "never restarted");
            AgentEvent error = sandbox.errors("broken-code").get(0);
            expect("compile".equals(error.phase()) && error.severity() == Severity.FATAL,
                    "phase compile, fatal; was " + error.phase() + ", " + error.severity() + ": " + error.message());
            expect(error.message().contains("line 2, column 19"), "names the line and column: " + error.message());
        }
    }

    private void setupFailure() {
        try (Sandbox sandbox = Sandbox.create()) {
            Script broken = sandbox.script().onSetup((ctx, call) -> {
                throw new IllegalStateException("broken setup");
            });
            sandbox.addType("broken", broken);
            sandbox.spawn(Sandbox.agent("broken", "broken"));
            sandbox.advanceSeconds(600);
            expect(sandbox.state("broken") == AgentState.FAILED, "failed, was " + sandbox.state("broken"));
            expect(broken.setups.get() == 1, "never retried, setups " + broken.setups.get());
        }
    }

    private void stateSurvivesRestart() throws IOException {
        Path data = Files.createTempDirectory("flotilla-selftest");
        try {
            try (Sandbox before = Sandbox.over(data)) {
                before.addType("counter", counting(before));
                before.spawn(Sandbox.agent("counter", "counter", "poll_interval", 1));
                before.advanceSeconds(2);
            }
            try (Sandbox after = Sandbox.over(data)) {
                after.addType("counter", counting(after));
                expect(after.state("counter") == AgentState.RUNNING, "back and running, was " + after.state("counter"));
                Object count = after.system().info("counter").orElseThrow().persisted().get("count");
                expect(count instanceof Number n && n.longValue() == 4, "count 3 before plus one tick, was " + count);
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Script counting(Sandbox sandbox) {
        return sandbox.script().onProcess((ctx, call) ->
                ctx.persist("count", ctx.recall("count", Long.class).orElse(0L) + 1));
    }
}
