package io.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.flotilla.itests.process.Browser;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * The dashboard with a big fleet in its view: a node serving the page ({@code --dashboard}, embedded
 * broker) and a simulated fleet, whose nodes' heartbeats and agents' heartbeat batches the benchmark
 * publishes itself, shown in Debian's Chromium. First 10 nodes with 100 agents, then 1,000 nodes with
 * 10,000 agents, in the same run on the same page: the time to first render
 * of a freshly opened page, the delay from an agent's state change (its heartbeat published) to the
 * screen, and how long the page takes to redraw after a keystroke in the search box.
 */
final class DashboardScaleBenchmarks {

    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final int AGENTS_PER_NODE = 10;

    private final Main.Mode mode;
    private final Report report;
    private final Installation installation;

    DashboardScaleBenchmarks(Main.Mode mode, Report report, Installation installation) {
        this.mode = mode;
        this.report = report;
        this.installation = installation;
    }

    /** One fleet size's figures. */
    private record Figures(int nodes, int agents, double firstRenderMs, Stats changeToScreen, double keystrokeMs,
            double maxDrawMs) {
    }

    void dashboardAtScale() throws Exception {
        if (Browser.missing().isPresent()) {
            report.failed("dashboard at fleet scale", "renders and stays responsive", new IllegalStateException(Browser.missing().get()));
            return;
        }
        int brokerPort = MosquittoBroker.freePort();
        int dashboardPort = MosquittoBroker.freePort();
        Path home = installation.root().getParent().resolve("dashboard-scale");
        try (NodeProcess node = NodeProcess.start(installation, "dash", home, "--port", String.valueOf(brokerPort),
                "--dashboard", String.valueOf(dashboardPort));
                Browser browser = Browser.start(1280, 1000, Path.of("benchmarks/target/screenshots"))) {
            node.awaitStarted();
            String base = "http://127.0.0.1:" + dashboardPort;
            try (BenchClient client = connect("tcp://127.0.0.1:" + brokerPort, node)) {
                String token = Files.readString(home.resolve("data/dashboard/login-token")).strip();
                browser.driver().get(base + "/login?once=" + token);
                browser.await("the signed-in page", LIMIT, () -> "live".equals(text(browser, "connection")));
                // The node hears its own heartbeat once it has subscribed: what is published before is lost
                browser.await("the node online on its page", LIMIT, () -> card(browser, "Nodes online").startsWith("1 of"));
                Figures small = measure(browser, base, client, 10);
                Figures big = measure(browser, base, client, 1000);
                browser.screenshot("dashboard-" + big.nodes() + "-nodes");
                report.add("dashboard: first render, " + String.format(Locale.ROOT, "%,d", big.nodes()) + " nodes and "
                        + String.format(Locale.ROOT, "%,d", big.agents()) + " agents", ms(big.firstRenderMs()),
                        "10 nodes, 100 agents: " + ms(small.firstRenderMs()), "renders", true);
                report.add("dashboard: agent state change to screen, " + String.format(Locale.ROOT, "%,d", big.agents()) + " agents",
                        big.changeToScreen().summary(), "100 agents: " + small.changeToScreen().summary(), "< 1 s",
                        big.changeToScreen().percentileMs(0.99) < 1000);
                report.add("dashboard: redraw after a keystroke in the search, " + String.format(Locale.ROOT, "%,d", big.agents()) + " agents",
                        ms(big.keystrokeMs()) + " (slowest redraw " + ms(big.maxDrawMs()) + ")",
                        "100 agents: " + ms(small.keystrokeMs()), "responsive (< 100 ms)", big.keystrokeMs() < 100);
            }
        }
    }

    /** A client of the node's broker, which starts listening a moment after the agent manager. */
    private static BenchClient connect(String url, NodeProcess node) {
        BenchClient[] client = new BenchClient[1];
        node.await("the broker to take clients", LIMIT, () -> {
            try {
                client[0] = new BenchClient(url);
                return true;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                return false;
            }
        });
        return client[0];
    }

    private Figures measure(Browser browser, String base, BenchClient client, int nodes) throws Exception {
        long incarnation = System.currentTimeMillis();
        for (int n = 0; n < nodes; n++) {
            publishNode(client, n, incarnation, "running");
        }
        int agents = nodes * AGENTS_PER_NODE;
        String expected = agents + " of " + agents;
        browser.await(agents + " agents running in the view", LIMIT,
                () -> expected.equals(card(browser, "Agents running")));

        long opened = System.nanoTime();
        browser.driver().get(base + "/");
        browser.await("the first render of " + agents + " agents", LIMIT,
                () -> expected.equals(card(browser, "Agents running")));
        double firstRender = ((Number) browser.script("return window.flotillaStats.firstRender")).doubleValue();
        double wall = (System.nanoTime() - opened) / 1e6;

        String watched = "sim-" + (nodes - 1) + "-a" + (AGENTS_PER_NODE - 1);
        browser.script("const box = document.getElementById('agent-search'); box.value = arguments[0];"
                + "box.dispatchEvent(new Event('input'));", watched);
        List<Long> delays = new ArrayList<>();
        int rounds = mode.count(10, 30);
        for (int i = 0; i < rounds; i++) {
            String state = i % 2 == 0 ? "failed" : "running";
            long published = System.nanoTime();
            publishAgent(client, nodes - 1, AGENTS_PER_NODE - 1, state);
            browser.await(watched + " " + state + " on the screen", LIMIT, () -> state.equals(browser.script(
                    "const row = document.querySelector('#agent-rows tr');"
                    + "return row && row.dataset.agent === arguments[0] ? row.querySelector('.state').textContent : ''", watched)));
            delays.add(System.nanoTime() - published);
        }
        // From the input event (as the browser stamped it) to the end of the redraw it asked for
        browser.script("window.flotillaStats.inputToDrawMs = null; const box = document.getElementById('agent-search');"
                + "box.value = 'sim-1'; box.dispatchEvent(new Event('input'));");
        browser.await("the redraw after the keystroke", LIMIT, () -> browser.script("return window.flotillaStats.inputToDrawMs") != null);
        double keystroke = ((Number) browser.script("return window.flotillaStats.inputToDrawMs")).doubleValue();
        double maxDraw = ((Number) browser.script("return window.flotillaStats.maxDrawMs")).doubleValue();
        browser.script("const box = document.getElementById('agent-search'); box.value = ''; box.dispatchEvent(new Event('input'));");
        System.out.printf(Locale.ROOT, "  %,d nodes, %,d agents: first render %.0f ms after navigation (%.0f ms to the full"
                + " count), change to screen %s, keystroke to redraw %.1f ms%n", nodes, agents, firstRender, wall,
                new Stats(delays).summary(), keystroke);
        return new Figures(nodes, agents, firstRender, new Stats(delays), keystroke, maxDraw);
    }

    private static void publishNode(BenchClient client, int n, long incarnation, String state) throws Exception {
        String node = "sim-" + n;
        List<String> names = new ArrayList<>();
        List<Map<String, Object>> beats = new ArrayList<>();
        for (int a = 0; a < AGENTS_PER_NODE; a++) {
            names.add(node + "-a" + a);
            beats.add(agentBeat(n, a, state));
        }
        Map<String, Object> heartbeat = new LinkedHashMap<>();
        heartbeat.put("node", node);
        heartbeat.put("incarnation", incarnation);
        heartbeat.put("heartbeat_interval", 60);
        heartbeat.put("agents", names);
        heartbeat.put("agent_count", names.size());
        heartbeat.put("capabilities", List.of(n % 3 == 0 ? "camera" : "sensor", "arch=arm64"));
        heartbeat.put("cpu_pct", n % 100);
        heartbeat.put("mem_used_mb", 300 + n % 200);
        heartbeat.put("uptime_s", 1000);
        client.publish("nodes/" + node + "/heartbeat", heartbeat);
        client.publish("nodes/" + node + "/agent_heartbeats", Map.of("node", node, "agents", beats, "agent_count", beats.size()));
    }

    private static void publishAgent(BenchClient client, int n, int a, String state) throws Exception {
        client.publish("agents/sim-" + n + "-" + a + "/heartbeat", agentBeat(n, a, state));
    }

    private static Map<String, Object> agentBeat(int n, int a, String state) {
        Map<String, Object> beat = new LinkedHashMap<>();
        beat.put("actor_id", "sim-" + n + "-" + a);
        beat.put("name", "sim-" + n + "-a" + a);
        beat.put("node", "sim-" + n);
        beat.put("type", a % 2 == 0 ? "sensor" : "counter");
        beat.put("state", state);
        beat.put("restart_count", 0);
        beat.put("epoch", 0);
        return beat;
    }

    private static String card(Browser browser, String label) {
        return (String) browser.script("const card = [...document.querySelectorAll('#summary .card')]"
                + ".find(c => c.querySelector('.label').textContent === arguments[0]);"
                + "return card ? card.querySelector('strong').textContent : ''", label);
    }

    private static String text(Browser browser, String id) {
        return (String) browser.script("return document.getElementById(arguments[0]).innerText", id);
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }
}
