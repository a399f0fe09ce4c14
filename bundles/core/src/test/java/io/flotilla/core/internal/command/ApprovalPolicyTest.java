package io.flotilla.core.internal.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;

class ApprovalPolicyTest {

    private static final Predicate<String> ONLY_EXAMPLES = location -> location.startsWith("mvn:io.flotilla/flotilla-examples");
    private final ApprovalPolicy installs = new ApprovalPolicy(Set.of(ApprovalPolicy.INSTALL), Duration.ofMinutes(1));

    private static Admission spawn(CommandOrigin origin, Map<String, Object> body) {
        return new Admission("spawn", body, CommandEnvelope.NONE, origin);
    }

    private static CommandOrigin mqtt() {
        return CommandOrigin.mqtt("nodes/alpha/spawn", null, false);
    }

    @Test
    void aSpawnFromTheBrokerThatInstallsNewCodeWaits() {
        assertTrue(installs.holds(spawn(mqtt(), Map.of("name", "a", "type", "t", "bundle", "file:/opt/agents/new.jar")),
                ONLY_EXAMPLES));
        assertTrue(installs.holds(spawn(mqtt(), Map.of("name", "a", "type", "t", "install", java.util.List.of(
                "mvn:io.flotilla/flotilla-examples/1", "feature:extra"))), ONLY_EXAMPLES));
    }

    @Test
    void codeTheNodeHasOrNoCodeAtAllRunsAtOnce() {
        assertFalse(installs.holds(spawn(mqtt(), Map.of("name", "a", "type", "counter")), ONLY_EXAMPLES));
        assertFalse(installs.holds(spawn(mqtt(), Map.of("name", "a", "type", "counter", "bundle",
                "mvn:io.flotilla/flotilla-examples/1")), ONLY_EXAMPLES));
    }

    @Test
    void theLocalOperatorsCommandsNeverWait() {
        ApprovalPolicy everything = new ApprovalPolicy(Set.of("spawn", "stop"), Duration.ofMinutes(1));
        Map<String, Object> body = Map.of("name", "a", "type", "t", "bundle", "file:/opt/agents/new.jar");

        assertFalse(everything.holds(spawn(CommandOrigin.shell("agent:spawn"), body), ONLY_EXAMPLES));
        assertFalse(everything.holds(spawn(CommandOrigin.deploy("a.agent.json"), body), ONLY_EXAMPLES));
        assertTrue(everything.holds(new Admission("stop", Map.of("name", "a"), CommandEnvelope.NONE, mqtt()), ONLY_EXAMPLES));
    }

    @Test
    void aDesiredStateOrAnArrivalThatBringsNewCodeWaitsToo() {
        Map<String, Object> newCode = Map.of("name", "a", "type", "t", "bundle", "file:/opt/agents/new.jar");
        assertTrue(installs.holds(new Admission("desired_state", Map.of("agents", java.util.List.of(Map.of("name", "b",
                "type", "counter"), newCode)), CommandEnvelope.NONE, mqtt()), ONLY_EXAMPLES));
        assertTrue(installs.holds(new Admission("migrate_in", Map.of("name", "a", "code", Map.of("location",
                "file:/opt/agents/new.jar")), CommandEnvelope.NONE, mqtt()), ONLY_EXAMPLES));
        assertFalse(installs.holds(new Admission("desired_state", Map.of("agents", java.util.List.of(Map.of("name", "b",
                "type", "counter"))), CommandEnvelope.NONE, mqtt()), ONLY_EXAMPLES));
    }

    @Test
    void anAgentFromSourceBringsCodeTheNodeNeverHasSoItWaits() {
        Map<String, Object> source = Map.of("name", "a", "type", "dynamic", "code", "async def process(agent):\n    pass\n");

        assertTrue(installs.holds(spawn(mqtt(), source), location -> true), "held, even where every bundle is installed");
        assertTrue(ApprovalPolicy.codeOf(spawn(mqtt(), source)).get(0).startsWith("source code sha256:"));
        assertTrue(installs.holds(new Admission("migrate_in", Map.of("name", "a", "config", source), CommandEnvelope.NONE,
                mqtt()), ONLY_EXAMPLES));
    }
}
