package io.flotilla.core.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.flotilla.core.testing.ShippedConfiguration;

/** What the shipped {@code etc/io.flotilla.node.cfg} gives the node, from the launcher's environment. */
class ShippedConfigurationTest {

    private static String nodeName(Map<String, String> environment) {
        return ShippedConfiguration.load(NodeConfig.PID, environment).get("node.name");
    }

    @Test
    void flotillaNodeWinsOverAgentflowNodeWhichWinsOverTheFilesDefault() {
        assertEquals("from-env", nodeName(Map.of("FLOTILLA_NODE", "from-env", "AGENTFLOW_NODE", "legacy")));
        assertEquals("legacy", nodeName(Map.of("AGENTFLOW_NODE", "legacy")));
        assertEquals("", nodeName(Map.of()), "no name: the node takes the host name");
    }

    @Test
    void theLaunchersCapabilitiesComeOnTopOfTheConfiguredOnes() {
        Map<String, String> node = ShippedConfiguration.load(NodeConfig.PID, Map.of("FLOTILLA_CAPABILITIES", "gpu,camera"));
        assertEquals("gpu,camera", node.get("extra.capabilities"));
        assertEquals("", node.get("capabilities"));
    }

    @Test
    void theAgentRuntimeAndTheSecurityPolicyHaveFilesOfTheirOwn() {
        assertEquals("10", ShippedConfiguration.load(AgentsConfig.PID, Map.of()).get("stop.timeout"));
        assertEquals("65536", ShippedConfiguration.load(SecurityConfig.PID, Map.of()).get("spawn.max.bytes"));
    }
}
