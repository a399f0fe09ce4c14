package io.flotilla.migration.internal;

import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/** The one reader of {@code etc/io.flotilla.migration.cfg}; the bundle's other components ask it. */
@Component(service = MigrationPolicy.class, configurationPid = MigrationConfig.PID)
@Designate(ocd = MigrationConfig.class)
public final class MigrationPolicyComponent implements MigrationPolicy {

    private final MigrationSettings settings;

    @Activate
    public MigrationPolicyComponent(MigrationConfig config) {
        this.settings = MigrationSettings.from(config);
    }

    @Override
    public Duration confirmTimeout() {
        return settings.confirmTimeout();
    }

    @Override
    public Duration cutoverTimeout() {
        return settings.cutoverTimeout();
    }

    @Override
    public boolean acceptCode() {
        return settings.acceptCode();
    }

    @Override
    public Duration codeTimeout() {
        return settings.codeTimeout();
    }

    @Override
    public int maxBytes() {
        return settings.maxBytes();
    }
}
