package io.flotilla.core.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class NodeIdentityComponentTest {

    private static String name(String configured, Map<String, String> environment) {
        return NodeIdentityComponent.chooseName(configured, environment::get);
    }

    @Test
    void flotillaNodeWinsOverAgentflowNodeWhichWinsOverTheConfiguration() {
        assertEquals("from-env", name("from-cfg", Map.of("FLOTILLA_NODE", "from-env", "AGENTFLOW_NODE", "legacy")));
        assertEquals("legacy", name("from-cfg", Map.of("AGENTFLOW_NODE", "legacy")));
        assertEquals("from-cfg", name("from-cfg", Map.of()));
    }

    @Test
    void withoutAnyNameTheHostNameIsUsed() {
        String host = name("", Map.of());
        assertFalse(host.isBlank());
        assertTrue(host.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}"), host);
    }

    @Test
    void capabilitiesComeFromTheConfigurationTheEnvironmentAndTheMachine() {
        NodeConfig config = (NodeConfig) java.lang.reflect.Proxy.newProxyInstance(NodeConfig.class.getClassLoader(),
                new Class<?>[] {NodeConfig.class}, (self, method, args) -> switch (method.getName()) {
                    case "capabilities" -> new String[] {"temperature, camera"};
                    case "node_name" -> "rpi";
                    default -> method.getDefaultValue();
                });
        NodeIdentityComponent node = new NodeIdentityComponent(config,
                Map.of("FLOTILLA_CAPABILITIES", "gpu,camera")::get, java.nio.file.Path.of("data"));

        assertEquals(java.util.List.of("temperature", "camera", "gpu"), node.capabilities().subList(0, 3));
        assertTrue(node.capabilities().stream().anyMatch(c -> c.startsWith("cpus=")));
    }

    @Test
    void anInvalidNameIsRefusedNamingItsSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> name("", Map.of("FLOTILLA_NODE", "a/b")));
        assertTrue(e.getMessage().startsWith("FLOTILLA_NODE 'a/b' is not a valid node name"), e.getMessage());
    }
}
