package io.flotilla.api;

/** Lenient conversions of setting values: a number may arrive as JSON number or as text. */
final class Settings {

    private Settings() {
    }

    static long toLong(String key, Object value) {
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (d == Math.rint(d)) {
                return number.longValue();
            }
        } else if (value instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                // reported below with the key
            }
        }
        throw new IllegalArgumentException("setting '" + key + "' must be an integer, got " + describe(value));
    }

    static double toDouble(String key, Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                // reported below with the key
            }
        }
        throw new IllegalArgumentException("setting '" + key + "' must be a number, got " + describe(value));
    }

    static boolean toBoolean(String key, Object value) {
        if (value instanceof Boolean flag) {
            return flag;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.parseBoolean((String) value);
        }
        throw new IllegalArgumentException("setting '" + key + "' must be true or false, got " + describe(value));
    }

    static String describe(Object value) {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }
}
