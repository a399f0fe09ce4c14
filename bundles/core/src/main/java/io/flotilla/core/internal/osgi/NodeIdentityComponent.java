package io.flotilla.core.internal.osgi;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;

/** This node's name and capabilities, from {@code io.flotilla.node} and the environment. */
@Component(service = NodeIdentity.class, configurationPid = NodeConfig.PID)
@Designate(ocd = NodeConfig.class)
public final class NodeIdentityComponent implements NodeIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentityComponent.class);

    private final String name;
    private final List<String> capabilities;
    private final Map<String, Object> facts;
    private final Path dataDirectory;

    @Activate
    public NodeIdentityComponent(BundleContext context, NodeConfig config) {
        this(config, System::getenv, NodeData.directory(context, config));
    }

    NodeIdentityComponent(NodeConfig config, UnaryOperator<String> environment, Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        this.name = chooseName(config.node_name(), environment);
        this.facts = detectFacts();
        List<String> all = new ArrayList<>(Settings.list(config.capabilities()));
        String fromEnvironment = environment.apply("FLOTILLA_CAPABILITIES");
        if (fromEnvironment != null) {
            for (String capability : Settings.list(new String[] {fromEnvironment})) {
                if (!all.contains(capability)) {
                    all.add(capability);
                }
            }
        }
        facts.forEach((key, value) -> all.add(key + "=" + value));
        this.capabilities = List.copyOf(all);
        LOG.info("Node {} with capabilities {}", name, capabilities);
    }

    /** {@code FLOTILLA_NODE}, then {@code AGENTFLOW_NODE}, then {@code node.name}, then the host name. */
    static String chooseName(String configured, UnaryOperator<String> environment) {
        String[][] candidates = {
            {"FLOTILLA_NODE", environment.apply("FLOTILLA_NODE")},
            {"AGENTFLOW_NODE", environment.apply("AGENTFLOW_NODE")},
            {"node.name", configured},
        };
        for (String[] candidate : candidates) {
            String value = candidate[1];
            if (value != null && !value.isBlank()) {
                if (!SpawnConfig.NAME.matcher(value.trim()).matches()) {
                    throw new IllegalArgumentException(candidate[0] + " '" + value
                            + "' is not a valid node name: 1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.'");
                }
                return value.trim();
            }
        }
        return hostName();
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            String cleaned = host.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^\\.+", "");
            return cleaned.isEmpty() ? "node" : cleaned.substring(0, Math.min(64, cleaned.length()));
        } catch (UnknownHostException e) {
            return "node";
        }
    }

    private static Map<String, Object> detectFacts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("cpus", Runtime.getRuntime().availableProcessors());
        facts.put("memory_mb", physicalMemoryMb());
        facts.put("arch", System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT));
        facts.put("os", System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT).replace(' ', '-'));
        facts.put("java", Runtime.version().feature());
        return facts;
    }

    private static long physicalMemoryMb() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024 * 1024);
        }
        return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> capabilities() {
        return capabilities;
    }

    @Override
    public Map<String, Object> facts() {
        return Map.copyOf(facts);
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }
}
