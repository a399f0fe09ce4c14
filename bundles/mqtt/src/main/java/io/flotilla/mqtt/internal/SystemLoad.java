package io.flotilla.mqtt.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** The machine's load as heartbeats report it. */
final class SystemLoad {

    private SystemLoad() {
    }

    /** CPU use of the whole machine over the last moment, 0 to 100; -1 when unknown. */
    static double cpuPercent() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            double load = sun.getCpuLoad();
            return load < 0 ? -1 : Math.round(load * 1000) / 10.0;
        }
        double average = os.getSystemLoadAverage();
        return average < 0 ? -1 : Math.min(100, Math.round(average / os.getAvailableProcessors() * 1000) / 10.0);
    }

    /** Physical memory in use on the machine, in MB; the JVM's heap when the machine's is unknown. */
    static long memoryUsedMb() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return (sun.getTotalMemorySize() - sun.getFreeMemorySize()) / (1024 * 1024);
        }
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }

    /** Heap in use by this node, in MB. */
    static long heapUsedMb() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
    }

    static double uptimeSeconds() {
        return ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    }
}
