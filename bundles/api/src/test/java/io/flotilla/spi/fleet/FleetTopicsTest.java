package io.flotilla.spi.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FleetTopicsTest {

    @Test
    void withoutAPrefixTheTopicsAreThoseOfTheProtocol() {
        FleetTopics topics = new FleetTopics("", "rpi");
        assertEquals("nodes/rpi/spawn", topics.own("spawn"));
        assertEquals("agents/42/heartbeat", topics.agent("42", "heartbeat"));
        assertEquals("agents/by-name/counter/task", topics.task("counter"));
        assertEquals("nodes/+/status", topics.everyNode("status"));
    }

    @Test
    void aPrefixGoesInFrontOfEveryTopic() {
        FleetTopics topics = new FleetTopics("site-a", "rpi");
        assertEquals("site-a/nodes/rpi/spawn", topics.own("spawn"));
        assertEquals("counter", topics.nameIn("site-a/agents/by-name/counter/task"));
        assertEquals("other", topics.nameIn("site-a/nodes/other/heartbeat"));
        assertNull(topics.nameIn("sensors/temperature"));
    }
}
