package io.flotilla.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table of figures: each beside what it is compared with (measured in the same run) and its goal.
 * Rows are printed as they are measured, and the whole table is written as Markdown at the end.
 */
final class Report {

    /** One figure. {@code met} is null where the figure has no goal of its own. */
    record Row(String figure, String value, String comparedWith, String goal, Boolean met) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final String mode;

    Report(String mode) {
        this.mode = mode;
    }

    void add(String figure, String value, String comparedWith, String goal, Boolean met) {
        Row row = new Row(figure, value, comparedWith, goal, met);
        rows.add(row);
        System.out.printf("  %-46s %-36s %s%n", figure, value, verdict(row));
        if (!comparedWith.isEmpty()) {
            System.out.printf("  %-46s %s%n", "", "beside " + comparedWith);
        }
    }

    /** A figure that could not be measured, with the reason: the table says so rather than leave it out. */
    void failed(String figure, String goal, Exception why) {
        add(figure, "not measured: " + why.getMessage(), "", goal, false);
    }

    void note(String text) {
        notes.add(text);
        System.out.println("  note: " + text);
    }

    static String ms(double millis) {
        if (millis >= 100) {
            return String.format(Locale.ROOT, "%.0f", millis);
        }
        return millis >= 10 ? String.format(Locale.ROOT, "%.1f", millis) : String.format(Locale.ROOT, "%.2f", millis);
    }

    private static String verdict(Row row) {
        return row.met() == null ? "" : row.met() ? "goal met" : "GOAL MISSED";
    }

    /** Writes the table as Markdown, with the machine it ran on. */
    void write(Path file, long elapsedSeconds) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("# Flotilla benchmark, ").append(mode).append(" mode\n\n");
        out.append("- when: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        out.append("- machine: ").append(machine()).append('\n');
        out.append("- took: ").append(elapsedSeconds).append(" s\n\n");
        out.append("| figure | measured | compared with (same run) | goal | |\n|---|---|---|---|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.figure()).append(" | ").append(row.value()).append(" | ").append(row.comparedWith())
                    .append(" | ").append(row.goal()).append(" | ").append(verdict(row)).append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(n -> out.append("- ").append(n).append('\n'));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    }

    static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = 0;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            memory = sun.getTotalMemorySize() / (1024 * 1024 * 1024);
        }
        return os.getAvailableProcessors() + " cores, " + memory + " GiB, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    }
}
