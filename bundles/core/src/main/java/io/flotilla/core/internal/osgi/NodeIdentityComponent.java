package io.flotilla.core.internal.osgi;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.runtime.NodeIdentity;
import io.flotilla.runtime.SpawnConfig;

/**
 * This node's name and capabilities, from {@code io.flotilla.node}. The environment reaches them
 * through the configuration file's placeholders ({@code ${env:FLOTILLA_NODE:-...}}), never here, so
 * that {@code config:list} shows what is in effect.
 */
@Component(service = NodeIdentity.class, configurationPid = NodeConfig.PID)
@Designate(ocd = NodeConfig.class)
public final class NodeIdentityComponent implements NodeIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentityComponent.class);

    private final String name;
    private final List<String> capabilities;
    private final Map<String, Object> facts;
    private final Path dataDirectory;
    private final Duration heartbeatInterval;

    @Activate
    public NodeIdentityComponent(BundleContext context, NodeConfig config) {
        this(config, NodeData.directory(context, config));
    }

    NodeIdentityComponent(NodeConfig config, Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        this.name = chooseName(config.node_name());
        this.facts = detectFacts();
        // Within what other nodes' registries believe of a heartbeat: 1 s to 10 min.
        this.heartbeatInterval = Settings.seconds(config.heartbeat_interval() > 0
                ? Math.max(1, Math.min(600, config.heartbeat_interval())) : 10);
        List<String> all = new ArrayList<>(Settings.list(config.capabilities()));
        for (String capability : Settings.list(config.extra_capabilities())) {
            if (!all.contains(capability)) {
                all.add(capability);
            }
        }
        facts.forEach((key, value) -> all.add(key + "=" + value));
        this.capabilities = List.copyOf(all);
        LOG.info("Node {} with capabilities {}", name, capabilities);
    }

    /** {@code node.name}, or the host name when it is empty. */
    static String chooseName(String configured) {
        if (configured != null && !configured.isBlank()) {
            if (!SpawnConfig.NAME.matcher(configured.trim()).matches()) {
                throw new IllegalArgumentException("node.name '" + configured + "' (FLOTILLA_NODE, AGENTFLOW_NODE or "
                        + "etc/io.flotilla.node.cfg) is not a valid node name: 1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.'");
            }
            return configured.trim();
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

    @Override
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }
}
