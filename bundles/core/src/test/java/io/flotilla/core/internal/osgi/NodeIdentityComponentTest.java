package io.flotilla.core.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The node's name and capabilities as configured. Which environment variable wins is the business
 * of the shipped configuration file now ({@link ShippedConfigurationTest}).
 */
class NodeIdentityComponentTest {

    private static NodeConfig config(Map<String, Object> values) {
        return (NodeConfig) Proxy.newProxyInstance(NodeConfig.class.getClassLoader(), new Class<?>[] {NodeConfig.class},
                (self, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    @Test
    void theConfiguredNameIsTheNodesName() {
        assertEquals("from-cfg", NodeIdentityComponent.chooseName("from-cfg"));
    }

    @Test
    void withoutAnyNameTheHostNameIsUsed() {
        String host = NodeIdentityComponent.chooseName("");
        assertFalse(host.isBlank());
        assertTrue(host.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}"), host);
    }

    @Test
    void capabilitiesComeFromTheConfigurationTheLauncherAndTheMachine() {
        NodeIdentityComponent node = new NodeIdentityComponent(config(Map.of(
                "capabilities", new String[] {"temperature, camera"},
                "extra_capabilities", new String[] {"gpu,camera"},
                "node_name", "rpi")), Path.of("data"));

        assertEquals(List.of("temperature", "camera", "gpu"), node.capabilities().subList(0, 3));
        assertTrue(node.capabilities().stream().anyMatch(c -> c.startsWith("cpus=")));
    }

    @Test
    void anInvalidNameIsRefusedNamingWhereItComesFrom() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeIdentityComponent.chooseName("a/b"));
        assertTrue(e.getMessage().startsWith("node.name 'a/b' (FLOTILLA_NODE, AGENTFLOW_NODE or etc/io.flotilla.node.cfg) "
                + "is not a valid node name"), e.getMessage());
    }
}
