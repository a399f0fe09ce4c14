package io.flotilla.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class MqttTopicsTest {

    @Test
    void ordinaryTopicsArePublishable() {
        for (String topic : List.of("me/replies", "nodes/alpha/reply", "nodes/alpha/reply/3f2a9c1d", "a", "café/☕/𝄞")) {
            assertNull(MqttTopics.publishProblem(topic), topic);
            assertNull(MqttTopics.replyProblem(topic), topic);
        }
    }

    @Test
    void topicsPahoOrTheBrokerWouldRefuseAreNamedWithTheirReason() {
        assertEquals("holds a NUL character", MqttTopics.publishProblem("sec/a\u0000b"));
        assertEquals("holds the wildcard '#', which no published topic may", MqttTopics.publishProblem("#"));
        assertEquals("holds the wildcard '+', which no published topic may", MqttTopics.publishProblem("a/+/b"));
        assertEquals("holds the control character U+0007", MqttTopics.publishProblem("a\u0007"));
        assertEquals("is not valid UTF-8 (a lone surrogate)", MqttTopics.publishProblem("a\uD800b"));
        assertEquals("is not valid UTF-8 (a lone surrogate)", MqttTopics.publishProblem("a\uDC00"));
        assertEquals("is empty", MqttTopics.publishProblem(""));
        assertNotNull(MqttTopics.publishProblem("$SYS/broker"));
        assertEquals("is 65536 bytes long, over MQTT's limit of 65535", MqttTopics.publishProblem("x".repeat(65_536)));
    }

    @Test
    void aReplyNeverGoesToACommandOrAgentTopic() {
        for (String topic : List.of("nodes/beta/stop_all", "nodes/beta/spawn", "nodes/beta/heartbeat", "nodes/beta",
                "site-1/nodes/beta/migrate_in", "agents/by-name/counter/task", "agents/6a0f/heartbeat",
                "site-1/agents/x/tasks")) {
            assertNotNull(MqttTopics.replyProblem(topic), topic);
        }
    }
}
