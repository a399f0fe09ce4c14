package io.flotilla.bench;

import java.util.Arrays;

/**
 * The benchmark's sections, each run on its own so that one failing leaves the others' figures, and
 * only those whose names contain the {@code --only} text (all of them when it is empty).
 */
final class Sections {

    /** One section's work. */
    @FunctionalInterface
    interface Section {
        void run() throws Exception;
    }

    private final String only;
    private final Report report;

    Sections(String only, Report report) {
        this.only = only;
        this.report = report;
    }

    /** Whether any of {@code names} is to run: a fleet is started only for sections that need it. */
    boolean anySelected(String... names) {
        return Arrays.stream(names).anyMatch(name -> name.contains(only));
    }

    /** Runs the section {@code name} if selected; a failure goes into the table, and the run goes on. */
    void run(String name, Section section) {
        if (!anySelected(name)) {
            return;
        }
        System.out.println("- " + name);
        try {
            section.run();
        } catch (Exception e) {
            report.failed(name, "", e);
            e.printStackTrace(System.out);
        }
    }
}
