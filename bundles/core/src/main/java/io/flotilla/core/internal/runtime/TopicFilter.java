package io.flotilla.core.internal.runtime;

/** MQTT topic filter matching: {@code +} matches one level, a trailing {@code #} any number. */
public final class TopicFilter {

    private TopicFilter() {
    }

    public static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if ("#".equals(f[i])) {
                return i == f.length - 1;
            }
            if (i >= t.length) {
                return false;
            }
            if (!"+".equals(f[i]) && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Whether {@code filter} is a valid MQTT filter; the reason when it is not, else null. */
    public static String problem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "is empty";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!"#".equals(level) || i != levels.length - 1)) {
                return "may use '#' only as the whole last level";
            }
            if (level.contains("+") && !"+".equals(level)) {
                return "may use '+' only as a whole level";
            }
        }
        return null;
    }
}
