package io.flotilla.migration.internal;

import java.time.Duration;

/** {@link MigrationConfig} in the units the code uses. */
record MigrationSettings(Duration confirmTimeout, Duration cutoverTimeout, boolean acceptCode, Duration codeTimeout,
        int maxBytes) {

    static MigrationSettings from(MigrationConfig config) {
        return new MigrationSettings(seconds(config.confirm_timeout(), "confirm.timeout"),
                seconds(config.cutover_timeout(), "cutover.timeout"), config.accept_code(),
                seconds(config.code_timeout(), "code.timeout"), config.max_bytes());
    }

    private static Duration seconds(double value, String key) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(key + " in " + MigrationConfig.PID + ".cfg must be a positive number of seconds, got " + value);
        }
        return Duration.ofMillis(Math.round(value * 1000));
    }
}
