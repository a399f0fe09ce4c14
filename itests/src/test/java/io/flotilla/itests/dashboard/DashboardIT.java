package io.flotilla.itests.dashboard;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import io.flotilla.itests.process.Browser;
import io.flotilla.itests.process.Installation;
import io.flotilla.itests.process.NodeProcess;
import io.flotilla.itests.process.WactorzRunner;
import io.flotilla.mqtt.testing.MosquittoBroker;

/**
 * The dashboard as an operator uses it, in Debian's Chromium: a hub node that hosts the broker and
 * serves the page ({@code bin/flotilla --dashboard PORT}), a worker, and a node that is killed. The
 * nodes are processes started by {@code bin/flotilla}; the page is driven through Selenium. Budget:
 * about a minute, most of it the three nodes' boot.
 */
public class DashboardIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "correct horse battery staple";
    private static final String COOKIE = "flotilla-";

    private static Installation installation;
    private static NodeProcess hub;
    private static NodeProcess worker;
    private static NodeProcess doomed;
    private static Browser browser;
    private static WactorzRunner runner;
    private static MqttClient stranger;
    private static String base;
    private static int dashboardPort;

    @BeforeClass
    public static void startTheFleetAndABrowser() throws Exception {
        Optional<String> missing = Browser.missing();
        if (missing.isPresent() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(missing.get() + "; .ci/run installs them");
        }
        assumeTrue(missing.orElse(""), missing.isEmpty());
        installation = Installation.unpack("dashboard-it");
        Path homes = installation.root().getParent();
        int brokerPort = MosquittoBroker.freePort();
        dashboardPort = MosquittoBroker.freePort();
        base = "http://127.0.0.1:" + dashboardPort;
        NodeProcess.prepareHome(installation, homes.resolve("hub"));
        Files.writeString(homes.resolve("hub/etc/users.properties"), "\noperator = " + PASSWORD + ",admin\nviewer = "
                + PASSWORD + ",viewer\n", StandardOpenOption.APPEND);
        hub = NodeProcess.start(installation, "hub", homes.resolve("hub"), "--port", String.valueOf(brokerPort),
                "--dashboard", String.valueOf(dashboardPort), "--deploy",
                installation.root().resolve("examples/temperature-sensor.agent.json").toString());
        String broker = "127.0.0.1:" + brokerPort;
        worker = NodeProcess.start(installation, "worker", homes.resolve("worker"), "--broker", broker, "--capabilities", "camera");
        doomed = NodeProcess.start(installation, "doomed", homes.resolve("doomed"), "--broker", broker);
        hub.awaitStarted();
        worker.awaitStarted();
        doomed.awaitStarted();
        stranger = new MqttClient("tcp://" + broker, "dashboard-it-stranger", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        hub.await("the hub's broker takes a client", LIMIT, () -> {
            try {
                stranger.connect(options);
                return true;
            } catch (MqttException e) {
                return false; // the broker starts after the agent manager
            }
        });
        browser = Browser.start(1280, 1000, Path.of("target", "screenshots"));
        Optional<String> noRunner = WactorzRunner.missing();
        if (noRunner.isPresent() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(noRunner.get() + "; .ci/run installs the packages, and CI has ../shared beside the project");
        }
        if (noRunner.isEmpty()) {
            runner = WactorzRunner.start(homes.resolve("wactorz"), "127.0.0.1", brokerPort, "py-runner");
        }
    }

    @AfterClass
    public static void stopEverything() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (stranger != null && stranger.isConnected()) {
            stranger.disconnect();
        }
        for (NodeProcess node : new NodeProcess[] {doomed, worker, hub}) {
            if (node != null) {
                node.close();
            }
        }
    }

    // ------------------------------------------------------------ signing in

    @Test
    public void anAnonymousVisitorGetsTheSignInPageAndNoData() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertEquals(302, page.statusCode());
        assertEquals("/login", page.headers().firstValue("Location").orElse(""));
        for (String data : new String[] {"/api/stream", "/api/session", "/api/agent?name=temp-sensor-agent", "/api/types"}) {
            HttpResponse<String> answer = get(data, null);
            assertEquals(data, 401, answer.statusCode());
            assertFalse(data, answer.body().contains("temp-sensor"));
        }
        for (String around : new String[] {"/static/../api/session", "/static/%2e%2e/api/session", "/login/../api/session",
                "/api;x/session", "//api/session"}) {
            HttpResponse<String> answer = get(around, null);
            assertTrue(around + " " + answer.statusCode(), answer.statusCode() == 400 || answer.statusCode() == 401);
            assertFalse(around, answer.body().contains("csrf"));
        }
        HttpResponse<String> stop = post("/static/../api/stop", "{\"name\": \"temp-sensor-agent\"}", "none=none", null, null);
        assertTrue(stop.body(), stop.statusCode() == 400 || stop.statusCode() == 401);
        driver().manage().deleteAllCookies();
        driver().get(base + "/");
        browser.await("the sign-in page", LIMIT, () -> driver().getCurrentUrl().endsWith("/login"));
        assertFalse(driver().getPageSource().contains("worker"));
        browser.screenshot("sign-in");
        signInAsOperator();
        browser.await("the agent the stop around the gate named, running still", LIMIT,
                () -> "running".equals(agentCell("temp-sensor-agent", "state")));
    }

    @Test
    public void aWrongPasswordOrAUserWithoutTheRoleIsRefused() throws Exception {
        signIn("operator", "not the password");
        browser.await("the refusal", LIMIT, () -> driver().findElement(By.id("login-error")).isDisplayed());
        assertEquals("Wrong user name or password.", driver().findElement(By.id("login-error")).getText());
        signIn("viewer", PASSWORD);
        // the same words: saying the role is missing would confirm the viewer's password
        browser.await("the refusal of a viewer", LIMIT, () -> driver().getCurrentUrl().endsWith("failed=password")
                && "Wrong user name or password.".equals(driver().findElement(By.id("login-error")).getText()));
        assertTrue(hub.console(), hub.console().contains("sign-in of viewer refused: the user lacks role admin"));
        assertEquals(401, get("/api/session", cookie()).statusCode());
    }

    @Test
    public void theOneTimeLinkSignsInOnce() throws Exception {
        String token = Files.readString(hub.home().resolve("data/dashboard/login-token")).strip();
        driver().manage().deleteAllCookies();
        driver().get(base + "/login?once=" + token);
        browser.await("the page of the local operator", LIMIT, () -> "local operator".equals(text("user")));
        assertFalse("the link is used up", Files.exists(hub.home().resolve("data/dashboard/login-token")));
        driver().manage().deleteAllCookies();
        driver().get(base + "/login?once=" + token);
        browser.await("the refusal of a used link", LIMIT, () -> driver().getCurrentUrl().contains("expired")
                && driver().findElement(By.id("login-error")).getText().contains("used already"));
    }

    // ------------------------------------------------------------ seeing the fleet

    @Test
    public void theFleetIsShownLiveAndAChangeReachesTheScreenWithinASecond() throws Exception {
        signInAsOperator();
        browser.await("every node online", LIMIT, () -> "online".equals(nodeCell("hub", "status"))
                && "online".equals(nodeCell("worker", "status")) && "online".equals(nodeCell("doomed", "status")));
        assertTrue(nodeCell("worker", "capabilities"), nodeCell("worker", "capabilities").contains("camera"));
        assertTrue(nodeCell("worker", "version"), nodeCell("worker", "version").matches("\\d+\\.\\d+\\.\\d+.*"));
        browser.await("the deployed agent", LIMIT, () -> "running".equals(agentCell("temp-sensor-agent", "state")));
        assertEquals("hub", agentCell("temp-sensor-agent", "node"));
        assertEquals("temperature-sensor", agentCell("temp-sensor-agent", "type"));
        browser.await("its log lines in the event feed", LIMIT, () -> text("event-rows").contains("Temperature:"));

        AtomicLong runningSeen = new AtomicLong();
        stranger.subscribe("agents/+/heartbeat", (topic, message) -> {
            String beat = new String(message.getPayload(), StandardCharsets.UTF_8);
            if (beat.contains("\"live-counter\"") && beat.contains("\"running\"")) {
                runningSeen.compareAndSet(0, System.nanoTime());
            }
        });
        stranger.publish("nodes/worker/spawn", "{\"name\": \"live-counter\", \"type\": \"counter\"}".getBytes(StandardCharsets.UTF_8), 1, false);
        browser.await("the spawned agent on the page", LIMIT, () -> "running".equals(agentCell("live-counter", "state")));
        long onScreen = System.nanoTime();
        browser.await("its heartbeat", LIMIT, () -> runningSeen.get() != 0);
        long delayMillis = (onScreen - runningSeen.get()) / 1_000_000;
        System.out.println("A state change reached the screen " + delayMillis + " ms after its heartbeat");
        assertTrue("on screen " + delayMillis + " ms after the heartbeat", delayMillis < 1000);
        stranger.unsubscribe("agents/+/heartbeat");
        browser.screenshot("fleet");
    }

    @Test
    public void aWactorzRunnerAndItsAgentsAreShownBesideTheFlotillaNodes() throws Exception {
        assumeTrue(WactorzRunner.missing().orElse(""), runner != null);
        signInAsOperator();
        browser.await("the runner online, a Wactorz node", LIMIT, () -> "online".equals(nodeCell("py-runner", "status"))
                && "wactorz".equals(nodeCell("py-runner", "runner")));
        stranger.publish("nodes/py-runner/spawn", ("{\"name\": \"py-echo\", \"type\": \"dynamic\", \"code\": "
                + "\"async def handle_task(agent, payload):\\n    return payload\\n\"}").getBytes(StandardCharsets.UTF_8), 1, false);
        browser.await("its agent on the page", LIMIT, () -> "py-runner".equals(agentCell("py-echo", "node"))
                && "running".equals(agentCell("py-echo", "state")));
    }

    @Test
    public void aNodeKilledWithSigkillTurnsOfflineWithinTwoSecondsOfItsWill() throws Exception {
        signInAsOperator();
        browser.await("doomed online", LIMIT, () -> "online".equals(nodeCell("doomed", "status")));
        AtomicLong willArrived = new AtomicLong();
        stranger.subscribe("nodes/doomed/status", (topic, message) -> {
            if (new String(message.getPayload(), StandardCharsets.UTF_8).contains("\"offline\"")) {
                willArrived.compareAndSet(0, System.nanoTime());
            }
        });
        doomed.kill();
        browser.await("the Will", LIMIT, () -> willArrived.get() != 0);
        browser.await("doomed offline on the page", Duration.ofSeconds(2), () -> nodeCell("doomed", "status").startsWith("offline"));
        long delayMillis = (System.nanoTime() - willArrived.get()) / 1_000_000;
        System.out.println("A killed node was offline on the page " + delayMillis + " ms after its Will");
        stranger.unsubscribe("nodes/doomed/status");
        // The node's row and its event can reach the page in consecutive pushes: the poll that sees the
        // change writes the row, then the event, while the push thread may send between the two
        browser.await("the offline event on the page", LIMIT, () -> text("event-rows").contains("node doomed is offline"));
        browser.screenshot("node-offline");
    }

    // ------------------------------------------------------------ acting

    @Test
    public void aSpawnFromThePageRunsAndTheAgentCanBeAskedMovedAndStopped() throws Exception {
        signInAsOperator();
        browser.await("the spawn form's types", LIMIT, () -> new Select(driver().findElement(By.id("spawn-type")))
                .getOptions().stream().anyMatch(o -> o.getText().equals("counter")));
        browser.await("the worker among the spawn targets", LIMIT, () -> new Select(driver().findElement(By.id("spawn-node")))
                .getOptions().stream().anyMatch(o -> o.getText().equals("worker")));
        new Select(driver().findElement(By.id("spawn-type"))).selectByVisibleText("counter");
        driver().findElement(By.id("spawn-name")).sendKeys("page-counter");
        new Select(driver().findElement(By.id("spawn-node"))).selectByVisibleText("worker");
        driver().findElement(By.id("spawn-config")).sendKeys("step=5");
        click(By.id("spawn-submit"));
        browser.await("the spawn's result", LIMIT, () -> text("toast").contains("Spawned page-counter (counter) on worker"));
        browser.await("page-counter running on worker", LIMIT, () -> "running".equals(agentCell("page-counter", "state"))
                && "worker".equals(agentCell("page-counter", "node")));

        click(By.linkText("page-counter"));
        browser.await("its page", LIMIT, () -> text("agent-config").contains("\"step\" : 5") || text("agent-config").contains("\"step\": 5"));
        driver().findElement(By.id("agent-message")).sendKeys("\"get\"");
        click(By.id("agent-send"));
        browser.await("its reply", LIMIT, () -> text("agent-reply").matches("\\d+"));

        browser.await("hub among the targets", LIMIT, () -> new Select(driver().findElement(By.id("agent-target")))
                .getOptions().stream().anyMatch(o -> o.getDomProperty("value").equals("hub")));
        new Select(driver().findElement(By.id("agent-target"))).selectByValue("hub");
        click(By.id("agent-migrate"));
        browser.await("the move's result", LIMIT, () -> text("toast").contains("Moved page-counter from worker to hub"));
        browser.await("page-counter on hub", LIMIT, () -> "hub".equals(agentCell("page-counter", "node"))
                && "running".equals(agentCell("page-counter", "state")));
        browser.screenshot("agent-page");

        click(By.id("agent-stop"));
        browser.await("page-counter stopped", LIMIT, () -> "stopped".equals(agentCell("page-counter", "state")));
        assertTrue(text("toast"), text("toast").contains("Stopped page-counter on hub"));
    }

    @Test
    public void aRefusedSpawnSaysWhyOnThePage() {
        signInAsOperator();
        browser.await("the spawn form's types", LIMIT, () -> !new Select(driver().findElement(By.id("spawn-type"))).getOptions().isEmpty());
        driver().findElement(By.id("spawn-document")).sendKeys("{\"name\": \"no-such\", \"type\": \"counter\", \"node\": \"nowhere\"}");
        click(By.id("spawn-submit"));
        browser.await("the refusal", LIMIT, () -> driver().findElement(By.id("toast")).getDomAttribute("class").equals("error")
                && text("toast").contains("nowhere"));
    }

    // ------------------------------------------------------------ hostile input

    @Test
    public void namesConfigsAndLogLinesHoldingHtmlAreShownAsText() throws Exception {
        signInAsOperator();
        String name = "<img src=x onerror=window.pwned=1>";
        String line = "<script>window.pwned=2</script><b>bold</b>";
        stranger.publish("agents/evil-1/heartbeat", ("{\"actor_id\": \"evil-1\", \"name\": \"" + name
                + "\", \"node\": \"worker\", \"type\": \"<i>type</i>\", \"state\": \"running\", \"restart_count\": 0}")
                .getBytes(StandardCharsets.UTF_8), 1, false);
        stranger.publish("agents/evil-1/logs", ("{\"agent\": \"" + name + "\", \"node\": \"worker\", \"type\": \"log\", "
                + "\"level\": \"info\", \"message\": \"" + line.replace("\"", "\\\"") + "\"}").getBytes(StandardCharsets.UTF_8), 1, false);
        browser.await("the hostile name as text", LIMIT, () -> text("agent-rows").contains(name));
        browser.await("the hostile log line as text", LIMIT, () -> text("event-rows").contains(line));

        driver().findElement(By.id("spawn-document")).sendKeys("{\"name\": \"html-config\", \"type\": \"echo\", "
                + "\"config\": {\"note\": \"<img src=y onerror=window.pwned=3>\"}}");
        click(By.id("spawn-submit"));
        browser.await("html-config running", LIMIT, () -> "running".equals(agentCell("html-config", "state")));
        click(By.linkText("html-config"));
        browser.await("its config as text", LIMIT, () -> text("agent-config").contains("<img src=y onerror=window.pwned=3>"));

        assertNull("no script ran", browser.script("return window.pwned === undefined ? null : String(window.pwned)"));
        assertEquals("no element came from the fleet's text", 0L, browser.script(
                "return document.querySelectorAll('#agent-rows img, #agent-rows i, #event-rows b, #event-rows script, #agent-config img').length"));
        browser.screenshot("hostile-text");
    }

    @Test
    public void aRequestWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        signInAsOperator();
        stranger.publish("nodes/hub/spawn", "{\"name\": \"csrf-target\", \"type\": \"counter\"}".getBytes(StandardCharsets.UTF_8), 1, false);
        browser.await("csrf-target running", LIMIT, () -> "running".equals(agentCell("csrf-target", "state")));
        String cookie = cookie();
        String csrf = (String) browser.script("return fetch('/api/session').then(r => r.json()).then(s => s.csrf)");
        String stop = "{\"name\": \"csrf-target\"}";

        assertEquals(403, post("/api/stop", stop, cookie, null, null).statusCode());
        assertEquals(403, post("/api/stop", stop, cookie, "not-" + csrf, null).statusCode());
        assertEquals(403, post("/api/stop", stop, cookie, csrf, "http://evil.example").statusCode());
        HttpResponse<String> agent = get("/api/agent?name=csrf-target", cookie);
        assertTrue(agent.body(), agent.body().contains("\"state\":\"running\""));
        assertEquals("still running on the page", "running", agentCell("csrf-target", "state"));

        HttpResponse<String> allowed = post("/api/stop", stop, cookie, csrf, base);
        assertEquals(allowed.body(), 200, allowed.statusCode());
        browser.await("csrf-target stopped by the request that carried the token", LIMIT,
                () -> "stopped".equals(agentCell("csrf-target", "state")));
    }

    @Test
    public void thePageFitsAPhoneScreen() throws Exception {
        signInAsOperator();
        browser.await("the nodes", LIMIT, () -> "online".equals(nodeCell("hub", "status")));
        browser.resize(390, 844);
        try {
            browser.await("a page no wider than the phone", LIMIT,
                    () -> (Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth") <= 0);
            browser.screenshot("phone");
        } finally {
            browser.resize(1280, 1000);
        }
    }

    // ------------------------------------------------------------ helpers

    private static WebDriver driver() {
        return browser.driver();
    }

    private static void signIn(String user, String password) {
        driver().manage().deleteAllCookies();
        driver().get(base + "/login");
        driver().findElement(By.id("username")).sendKeys(user);
        driver().findElement(By.id("password")).sendKeys(password);
        click(By.id("sign-in"));
    }

    private static void signInAsOperator() {
        signIn("operator", PASSWORD);
        browser.await("the signed-in page", LIMIT, () -> "operator".equals(text("user")) && "live".equals(text("connection")));
    }

    /** Clicks what {@code by} finds, again if the page redrew it in between. */
    private static void click(By by) {
        browser.await("a click on " + by, LIMIT, () -> {
            driver().findElement(by).click();
            return true;
        });
    }

    private static String text(String id) {
        return driver().findElement(By.id(id)).getText();
    }

    private static String nodeCell(String node, String cell) {
        return (String) browser.script("const row = [...document.querySelectorAll('#node-rows tr')].find(tr => tr.dataset.node === arguments[0]);"
                + "return row ? row.querySelector('.' + arguments[1]).textContent.trim() : '';", node, cell);
    }

    private static String agentCell(String agent, String cell) {
        return (String) browser.script("const row = [...document.querySelectorAll('#agent-rows tr')].find(tr => tr.dataset.agent === arguments[0]);"
                + "return row ? row.querySelector('.' + arguments[1]).textContent.trim() : '';", agent, cell);
    }

    private static String cookie() {
        return driver().manage().getCookies().stream().filter(c -> c.getName().startsWith(COOKIE))
                .map(c -> c.getName() + "=" + c.getValue()).findFirst().orElse("none=none");
    }

    private HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(LIMIT);
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A client for one request: a refused request's connection may be closed by the server as the
     * next request is sent on it, and a POST is not sent again.
     */
    private static HttpClient http() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private HttpResponse<String> post(String path, String body, String cookie, String csrf, String origin)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(LIMIT)
                .header("Cookie", cookie).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
