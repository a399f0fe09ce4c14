package io.flotilla.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node's JVM as {@code jcmd} reads it, after a full collection (which also unloads unreachable classes). */
final class Jcmd {

    private Jcmd() {
    }

    /**
     * Heap in use after a full collection, from {@code jcmd}: the sum over the collector's
     * generations (serial: new and tenured; G1: one heap), without metaspace.
     */
    static long heapUsedKiB(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = Pattern.compile("(?:generation|heap)\\s+total \\d+K, used (\\d+)K").matcher(info);
        long total = 0;
        boolean found = false;
        while (used.find()) {
            total += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap use in: " + info);
        }
        return total;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process process = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    /** Metaspace in use after a full collection: what loaded classes hold. */
    static long metaspaceUsedKiB(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Matcher used = Pattern.compile("Metaspace\\s+used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("no metaspace use in GC.heap_info of " + pid);
        }
        return Long.parseLong(used.group(1));
    }
}
