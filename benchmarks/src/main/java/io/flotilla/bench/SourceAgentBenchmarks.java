package io.flotilla.bench;

import static io.flotilla.bench.FleetSupport.spawnAndWait;
import static io.flotilla.bench.FleetSupport.stopAndForget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.flotilla.itests.process.Fleet;

/**
 * Agents from source on node a: spawn to running for a bundle's type, Java compiled on the node and
 * Python in a child of its own, in one run; what a Python agent costs in memory, beside what the same
 * agents cost in one shared interpreter; and metaspace after many Java agents came and went.
 */
final class SourceAgentBenchmarks {

    private static final String PYTHON_IDLE = "async def handle_task(agent, payload):\n    return payload\n";

    private final Main.Mode mode;
    private final Report report;
    private final Fleet fleet;
    private final BenchClient client;

    SourceAgentBenchmarks(Main.Mode mode, Report report, Fleet fleet, BenchClient client) {
        this.mode = mode;
        this.report = report;
        this.fleet = fleet;
        this.client = client;
    }

    private static Map<String, Object> java(String name, int variant) {
        // A constant of its own makes each code new to the node: compiled, not taken from its cache
        return Map.of("name", name, "type", "dynamic", "language", "java", "poll_interval", 0,
                "code", "static final int VARIANT = " + variant + ";\n"
                        + "public Object handle(Message m, AgentContext ctx) { return VARIANT; }");
    }

    private static Map<String, Object> python(String name) {
        return Map.of("name", name, "type", "dynamic", "language", "python", "poll_interval", 0, "code", PYTHON_IDLE);
    }

    void spawnLatency() throws Exception {
        List<String> spawned = new ArrayList<>();
        List<Long> bundle = new ArrayList<>();
        List<Long> java = new ArrayList<>();
        List<Long> python = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // the compiler and the interpreter warm, as on a node that has run a while
            spawned.addAll(List.of("warm-java-" + i, "warm-python-" + i));
            spawnAndWait(client, "a", java("warm-java-" + i, -1 - i));
            spawnAndWait(client, "a", python("warm-python-" + i));
        }
        int rounds = mode.count(20, 50);
        for (int i = 0; i < rounds; i++) { // interleaved, so that each kind sees the same machine
            spawned.addAll(List.of("src-bundle-" + i, "src-java-" + i, "src-python-" + i));
            bundle.add(spawnAndWait(client, "a", Map.of("name", "src-bundle-" + i, "type", "echo", "poll_interval", 0)));
            java.add(spawnAndWait(client, "a", java("src-java-" + i, i)));
            python.add(spawnAndWait(client, "a", python("src-python-" + i)));
        }
        Stats bundled = new Stats(bundle);
        Stats compiled = new Stats(java);
        Stats interpreted = new Stats(python);
        String pythonMemory = pythonMemory(fleet.home("a"), rounds + 5);
        stopAndForget(client, "a", spawned, "bench/stopped");
        report.add("spawn → running, Java source (compiled)", compiled.summary(), "bundle type: " + bundled.summary()
                + "; Python: " + interpreted.summary(), "", null);
        report.add("spawn → running, Python source (a child)", interpreted.summary(), "bundle type: p50 "
                + Report.ms(bundled.p50Ms()) + " ms; Java source: p50 " + Report.ms(compiled.p50Ms()) + " ms", "", null);
        report.add("memory per Python agent, a child each", pythonMemory, sharedInterpreter(rounds + 5), "", null);
    }

    /** The proportional set size of the node's Python children: each agent's share of what they use. */
    private static String pythonMemory(Path home, int expected) throws IOException {
        List<Long> pss = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String command;
                try {
                    command = Files.readString(process.resolve("cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (command.contains(home.toString()) && command.contains("flotilla_agent.py")) {
                        pss.add(kib(Files.readString(process.resolve("smaps_rollup")), "Pss"));
                        rss.add(kib(Files.readString(process.resolve("status")), "VmRSS"));
                    }
                } catch (IOException e) {
                    // the process ended while it was read: not one of the agents', which stay
                }
            }
        }
        if (pss.size() != expected) {
            throw new IllegalStateException("found " + pss.size() + " Python children of node a, expected " + expected);
        }
        return String.format("PSS %.1f MiB, RSS %.1f MiB (n=%d)", FleetSupport.median(pss) / 1024,
                FleetSupport.median(rss) / 1024, pss.size());
    }

    private static long kib(String text, String field) {
        Matcher value = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(text);
        if (!value.find()) {
            throw new IllegalStateException("no " + field + " in " + text);
        }
        return Long.parseLong(value.group(1));
    }

    /**
     * The other design, measured: {@code count} agents' code in one interpreter, each in a namespace
     * of its own with a task waiting, as one shared runner per node would hold them.
     */
    private static String sharedInterpreter(int count) throws Exception {
        String script = String.join("\n",
                "import asyncio, json, re, textwrap",
                "def rss():",
                "    return int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1))",
                "async def main(n, code):",
                "    before = rss()",
                "    spaces = []",
                "    for i in range(n):",
                "        space = {}",
                "        exec(compile(textwrap.dedent(code), f'<agent-{i}>', 'exec'), space)",
                "        spaces.append((space, asyncio.ensure_future(asyncio.sleep(3600))))",
                "    await asyncio.sleep(0)",
                "    print(json.dumps({'base': before, 'per_agent': (rss() - before) / n}))",
                "    for _, task in spaces:",
                "        task.cancel()",
                "import sys",
                "asyncio.run(main(int(sys.argv[1]), sys.argv[2]))");
        Process process = new ProcessBuilder("python3", "-c", script, String.valueOf(count), PYTHON_IDLE)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("the shared-interpreter measure failed: " + output);
        }
        Matcher figures = Pattern.compile("\"base\": (\\d+), \"per_agent\": ([0-9.]+)").matcher(output);
        if (!figures.find()) {
            throw new IllegalStateException("the shared-interpreter measure said: " + output);
        }
        return String.format("one interpreter for all: %.1f MiB once, then %.0f KiB per agent (n=%d)",
                Long.parseLong(figures.group(1)) / 1024.0, Double.parseDouble(figures.group(2)), count);
    }

    private static String mib(long kib) {
        return String.format("%.1f MiB", kib / 1024.0);
    }

    /** Many Java agents, each on code of its own, spawned and stopped: metaspace after, beside before. */
    void metaspace() throws Exception {
        long pid = fleet.node("a").pid();
        List<String> warm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            warm.add("meta-warm-" + i);
            spawnAndWait(client, "a", java("meta-warm-" + i, 1_000_000 + i));
        }
        stopAndForget(client, "a", warm, "bench/stopped");
        long before = Jcmd.metaspaceUsedKiB(pid);
        int agents = mode.count(300, 1000);
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            batch.add("meta-" + i);
            spawnAndWait(client, "a", java("meta-" + i, 2_000_000 + i));
            if (batch.size() == 50) {
                stopAndForget(client, "a", batch, "bench/stopped");
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            stopAndForget(client, "a", batch, "bench/stopped");
        }
        long after = Jcmd.metaspaceUsedKiB(pid);
        report.add("metaspace after " + agents + " Java agents came and went", mib(after),
                "before them: " + mib(before) + " (each agent's classes are its own)", "growth < 2 MiB",
                after - before < 2048);
    }
}
