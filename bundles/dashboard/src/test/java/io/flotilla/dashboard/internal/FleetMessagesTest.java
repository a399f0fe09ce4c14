package io.flotilla.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FleetMessagesTest {

    private final FleetModel model = new FleetModel();
    private final FleetMessages messages = new FleetMessages(model, "hub", new TestClock());

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anotherNodesAgentHeartbeatBecomesItsRow() {
        messages.heartbeat(json("{\"name\": \"cam\", \"actor_id\": \"id-1\", \"node\": \"worker\", \"type\": \"camera\","
                + " \"state\": \"running\", \"restart_count\": 2, \"epoch\": 1, \"cpu\": 3.5}"));
        Map<String, Object> row = model.agentRow("cam").orElseThrow();
        assertEquals("worker", row.get("node"));
        assertEquals("camera", row.get("type"));
        assertEquals("running", row.get("state"));
        assertEquals(2, row.get("restarts"));
        assertEquals("2026-12-04T10:00:00Z", row.get("since"));
        assertTrue(messages.heardOf("cam") > 0);
    }

    @Test
    void thisNodesOwnAgentsComeFromItsManagerNotFromTheBroker() {
        messages.heartbeat(json("{\"name\": \"local\", \"node\": \"hub\", \"state\": \"running\"}"));
        assertFalse(model.agentRow("local").isPresent());
    }

    @Test
    void aLateHeartbeatFromTheNodeAnAgentLeftIsIgnored() {
        messages.heartbeat(json("{\"name\": \"mover\", \"node\": \"b\", \"state\": \"running\", \"epoch\": 2}"));
        messages.heartbeat(json("{\"name\": \"mover\", \"node\": \"a\", \"state\": \"paused\", \"epoch\": 1}"));
        assertEquals("b", model.agentRow("mover").orElseThrow().get("node"));
        assertEquals("running", model.agentRow("mover").orElseThrow().get("state"));
    }

    @Test
    void aNodesHeartbeatBatchFillsEveryRow() {
        messages.batch(json("{\"node\": \"w\", \"agents\": [{\"name\": \"x\", \"node\": \"w\", \"state\": \"running\"},"
                + " {\"name\": \"y\", \"node\": \"w\", \"state\": \"failed\"}, 7, \"junk\"]}"));
        assertEquals("failed", model.agentRow("y").orElseThrow().get("state"));
        assertEquals(2, model.agentRows().size());
    }

    @Test
    void anErrorIsAnEventAndTheAgentsLastError() {
        messages.heartbeat(json("{\"name\": \"c\", \"node\": \"w\", \"state\": \"running\"}"));
        messages.error(json("{\"name\": \"c\", \"node\": \"w\", \"phase\": \"process\", \"severity\": \"critical\", "
                + "\"error\": \"boom\"}"));
        assertEquals("boom", model.agentRow("c").orElseThrow().get("last_error"));
        Map<String, Object> event = model.eventsOf("c").get(0);
        assertEquals(List.of("error", "process", "critical", "boom"),
                List.of(event.get("kind"), event.get("phase"), event.get("severity"), event.get("message")));
    }

    @Test
    void anAlertIsShownOnceThoughItsCopyComesOnTheLogsTopic() {
        messages.alert(json("{\"agent\": \"s\", \"node\": \"w\", \"severity\": \"warning\", \"message\": \"hot\"}"));
        messages.log(json("{\"agent\": \"s\", \"node\": \"w\", \"severity\": \"warning\", \"message\": \"hot\"}"));
        messages.log(json("{\"agent\": \"s\", \"node\": \"w\", \"level\": \"info\", \"message\": \"fine\"}"));
        assertEquals(List.of("alert", "log"), model.eventsOf("s").stream().map(e -> e.get("kind")).toList());
    }

    @Test
    void whatIsNoJsonObjectOrNamesNoAgentIsDroppedAndNoTextGrowsBeyondItsLimit() {
        messages.heartbeat(json("not json"));
        messages.heartbeat(json("[1, 2]"));
        messages.heartbeat(json("{\"node\": \"w\", \"state\": \"running\"}"));
        messages.heartbeat(json("{\"name\": \"" + "n".repeat(FleetMessages.MAX_NAME + 1) + "\", \"node\": \"w\"}"));
        messages.log(json("{\"node\": \"w\", \"message\": \"whose?\"}"));
        assertTrue(model.agentRows().isEmpty());
        assertTrue(model.since(0).events().isEmpty());

        messages.log(json("{\"agent\": \"chatty\", \"message\": \"" + "x".repeat(10_000) + "\"}"));
        String message = (String) model.eventsOf("chatty").get(0).get("message");
        assertEquals(FleetMessages.MAX_TEXT + 1, message.length());
    }

    @Test
    void aManifestGivesAShownAgentsConfiguration() {
        messages.manifest(json("{\"name\": \"cam\", \"node\": \"w\", \"config\": {\"fps\": 5}}"));
        assertFalse(messages.config("cam").isPresent(), "not of an agent the page does not show");
        messages.heartbeat(json("{\"name\": \"cam\", \"node\": \"w\", \"state\": \"running\"}"));
        messages.manifest(json("{\"name\": \"cam\", \"node\": \"w\", \"config\": {\"fps\": 5}}"));
        assertEquals(Map.of("fps", 5), messages.config("cam").orElseThrow());
        messages.manifest(json("{\"name\": \"cam\", \"config\": {\"blob\": \"" + "x".repeat(FleetMessages.MAX_CONFIG_BYTES) + "\"}}"));
        assertEquals(Map.of("fps", 5), messages.config("cam").orElseThrow(), "an oversized one is not kept");
        messages.forget("cam");
        assertFalse(messages.config("cam").isPresent());
    }

    @Test
    void aHeartbeatWithAnOverlongFieldIsDropped() {
        messages.heartbeat(json("{\"name\": \"a\", \"node\": \"w\", \"state\": \"" + "s".repeat(FleetMessages.MAX_NAME + 1) + "\"}"));
        messages.heartbeat(json("{\"name\": \"a\", \"node\": \"w\", \"actor_id\": \"" + "i".repeat(FleetMessages.MAX_NAME + 1) + "\"}"));
        assertTrue(model.agentRows().isEmpty());
        assertEquals(0, messages.heardOf("a"));
    }
}
