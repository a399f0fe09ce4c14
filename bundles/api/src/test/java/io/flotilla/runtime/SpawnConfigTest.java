package io.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpawnConfigTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> doc = new HashMap<>();
        doc.put("name", "temp-sensor-agent");
        doc.put("type", "temperature-sensor");
        return doc;
    }

    private static InvalidSpawnConfigException refused(String field, Object value) {
        Map<String, Object> doc = minimal();
        doc.put(field, value);
        return assertThrows(InvalidSpawnConfigException.class, () -> SpawnConfig.fromMap(doc));
    }

    @Test
    void aMinimalDocumentGetsTheDocumentedDefaults() {
        SpawnConfig config = SpawnConfig.fromMap(minimal());

        assertEquals(Duration.ofSeconds(5), config.pollInterval());
        assertEquals(5, config.maxRestarts());
        assertEquals(Duration.ofSeconds(3), config.restartDelay());
        assertEquals(Duration.ofSeconds(60), config.maxRestartDelay());
        assertEquals(RestartType.PERMANENT, config.restart());
        assertEquals(0.0, config.restartJitter());
        assertEquals(Duration.ZERO, config.processTimeout());
        assertTrue(config.node().isEmpty());
        assertTrue(config.settings().isEmpty());
    }

    @Test
    void theWactorzExampleIsAccepted() {
        Map<String, Object> doc = minimal();
        doc.put("node", "rpi-livingroom");
        doc.put("bundle", "mvn:io.flotilla/flotilla-examples/1.0.0");
        doc.put("install", List.of("feature:camel-core/3.22.0"));
        doc.put("description", "Reads temperature from DHT22 sensor");
        doc.put("poll_interval", 30);
        doc.put("max_restarts", 5);
        doc.put("restart_delay", 3.0);
        doc.put("restart", "transient");
        doc.put("capabilities", List.of("temperature"));
        doc.put("config", Map.of("pin", 4));

        SpawnConfig config = SpawnConfig.fromMap(doc);

        assertEquals("rpi-livingroom", config.node().orElseThrow());
        assertEquals(Duration.ofSeconds(30), config.pollInterval());
        assertEquals(RestartType.TRANSIENT, config.restart());
        assertEquals(4, config.getInt("pin", 0));
    }

    @Test
    void unknownFieldsAreKeptAndVisibleToTheAgent() {
        Map<String, Object> doc = minimal();
        doc.put("step", 3);
        doc.put("owner", "lab");

        SpawnConfig config = SpawnConfig.fromMap(doc);

        assertEquals(3, config.getInt("step", 1));
        assertEquals("lab", config.toMap().get("owner"));
        assertEquals(config, SpawnConfig.fromMap(config.toMap()));
    }

    @Test
    void configSettingsWinOverTopLevelFields() {
        Map<String, Object> doc = minimal();
        doc.put("step", 3);
        doc.put("config", Map.of("step", 7));

        assertEquals(7, SpawnConfig.fromMap(doc).getInt("step", 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "../etc", ".hidden", "with space", "semi;colon", "é",
            "x123456789x123456789x123456789x123456789x123456789x123456789xxxxx"})
    void namesOutsideTheAllowedPatternAreRefused(String name) {
        InvalidSpawnConfigException e = refused("name", name);
        assertEquals("name", e.field());
    }

    @Test
    void aMissingNameIsRefused() {
        Map<String, Object> doc = minimal();
        doc.remove("name");
        InvalidSpawnConfigException e = assertThrows(InvalidSpawnConfigException.class, () -> SpawnConfig.fromMap(doc));
        assertEquals("name", e.field());
        assertEquals("is required", e.reason());
    }

    @Test
    void wrongTypesNameTheFieldAndWhatCame() {
        InvalidSpawnConfigException e = refused("poll_interval", "fast");
        assertEquals("poll_interval", e.field());
        assertTrue(e.getMessage().contains("must be a number of seconds, got text 'fast'"), e.getMessage());

        assertEquals("max_restarts", refused("max_restarts", 2.5).field());
        assertEquals("replace", refused("replace", "yes").field());
        assertEquals("config", refused("config", List.of(1)).field());
        assertEquals("install", refused("install", "mvn:a/b/1").field());
        assertEquals("type", refused("type", 42).field());
    }

    @Test
    void negativeIntervalsAreRefused() {
        assertEquals("poll_interval", refused("poll_interval", -1).field());
        assertEquals("restart_delay", refused("restart_delay", -0.5).field());
        assertEquals("process_timeout", refused("process_timeout", -2).field());
        assertEquals("max_restarts", refused("max_restarts", -1).field());
        assertEquals("install_timeout", refused("install_timeout", 0).field());
    }

    @Test
    void aPollIntervalBelowAMillisecondIsRefusedButZeroMeansNever() {
        InvalidSpawnConfigException e = refused("poll_interval", 1e-9);
        assertTrue(e.getMessage().contains("must be 0 (never) or at least 0.001 s"), e.getMessage());
        Map<String, Object> never = minimal();
        never.put("poll_interval", 0);
        assertTrue(SpawnConfig.fromMap(never).pollInterval().isZero());
        Map<String, Object> fastest = minimal();
        fastest.put("poll_interval", 0.001);
        assertEquals(1, SpawnConfig.fromMap(fastest).pollInterval().toMillis());
    }

    @Test
    void anUnknownRestartTypeIsRefused() {
        InvalidSpawnConfigException e = refused("restart", "sometimes");
        assertTrue(e.getMessage().contains("permanent, transient, temporary"), e.getMessage());
    }

    @Test
    void jitterMustBeAFraction() {
        assertEquals("restart_jitter", refused("restart_jitter", 1.5).field());
        assertEquals(0.25, SpawnConfig.fromMap(withField("restart_jitter", 0.25)).restartJitter());
    }

    @Test
    void locationsMustUseAnAllowedScheme() {
        assertEquals("bundle", refused("bundle", "http://evil.example/x.jar").field());
        assertEquals("install", refused("install", List.of("mvn:a/b/1", "ftp://x")).field());
    }

    @Test
    void aShaPinNeedsABundleAndHexDigits() {
        assertEquals("sha256", refused("sha256", "abc").field());
        assertEquals("sha256", refused("sha256", "a".repeat(64)).field());
    }

    @Test
    void theMaximumBackOffMayNotBeBelowTheFirstDelay() {
        Map<String, Object> doc = withField("restart_delay", 10);
        doc.put("max_restart_delay", 5);
        assertEquals("max_restart_delay",
                assertThrows(InvalidSpawnConfigException.class, () -> SpawnConfig.fromMap(doc)).field());
    }

    @Test
    void withReplacesFieldsAndValidatesAgain() {
        SpawnConfig config = SpawnConfig.fromMap(minimal());
        assertEquals("other", config.with(Map.of("name", "other")).name());
        assertThrows(InvalidSpawnConfigException.class, () -> config.with(Map.of("name", "bad/name")));
    }

    private static Map<String, Object> dynamic(String code) {
        Map<String, Object> doc = new HashMap<>();
        doc.put("name", "temp-sensor-agent");
        doc.put("type", "dynamic");
        doc.put("code", code);
        return doc;
    }

    @Test
    void theUpstreamPythonExampleIsADynamicAgentWhoseInstallListsPackages() {
        Map<String, Object> doc = dynamic("async def process(agent):\n    pass\n");
        doc.put("install", List.of("adafruit-circuitpython-dht", "requests[socks]>=2.31,<3"));

        SpawnConfig config = SpawnConfig.fromMap(doc);

        assertEquals("python", config.language().orElseThrow());
        assertEquals(List.of("adafruit-circuitpython-dht", "requests[socks]>=2.31,<3"), config.packages());
        assertTrue(config.install().isEmpty(), "no bundle locations to install");
        assertEquals(config, SpawnConfig.fromMap(config.toMap()), "the code, its language and packages survive the round trip");
    }

    @Test
    void aJavaAgentNamesItsLanguage() {
        Map<String, Object> doc = dynamic("public void process(AgentContext ctx) { }");
        doc.put("language", "Java");

        assertEquals("java", SpawnConfig.fromMap(doc).language().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--index-url=http://evil/", "-e.", "./local", "git+https://x/y", "pkg @ https://x", "a;b", "",
        "evil-1.0.tar.gz", "x.whl", "x.ZIP>=1"})
    void packagesThatPipWouldReadAsOptionsPathsOrUrlsAreRefused(String entry) {
        Map<String, Object> doc = dynamic("pass");
        doc.put("install", List.of(entry));

        InvalidSpawnConfigException e = assertThrows(InvalidSpawnConfigException.class, () -> SpawnConfig.fromMap(doc));
        assertEquals("install", e.field());
    }

    @Test
    void aDynamicAgentNeedsItsCodeAndAKnownLanguage() {
        Map<String, Object> noCode = dynamic("x");
        noCode.remove("code");
        Map<String, Object> cobol = dynamic("x");
        cobol.put("language", "cobol");

        assertEquals("code", assertThrows(InvalidSpawnConfigException.class, () -> SpawnConfig.fromMap(noCode)).field());
        assertTrue(assertThrows(InvalidSpawnConfigException.class, () -> SpawnConfig.fromMap(cobol)).getMessage()
                .contains("java, python"));
    }

    @Test
    void codeBelongsToDynamicAgentsOnly() {
        assertEquals("code", refused("code", "print(1)").field());
    }

    private static Map<String, Object> withField(String field, Object value) {
        Map<String, Object> doc = minimal();
        doc.put(field, value);
        return doc;
    }
}
