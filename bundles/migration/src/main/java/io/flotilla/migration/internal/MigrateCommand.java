package io.flotilla.migration.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.flotilla.runtime.CommandEnvelope;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.NodeIdentity;
import io.flotilla.spi.command.CommandHandler;

/**
 * The {@code migrate} command, {@code {"name", "target_node"}}, as the node's intake admitted it:
 * moves the agent and answers once the target confirmed or the move failed. The result also goes
 * to {@code nodes/{n}/migrate_result}, where watchers of the fleet see every move end.
 */
@Component(property = CommandHandler.KINDS + "=migrate")
public final class MigrateCommand implements CommandHandler {

    private static final Duration MIGRATE_TIMEOUT = Duration.ofSeconds(120);

    private final MigrationOrders migrations;
    private final String self;

    @Activate
    public MigrateCommand(@Reference MigrationOrders migrations, @Reference NodeIdentity node) {
        this.migrations = migrations;
        this.self = node.name();
    }

    @Override
    public CompletionStage<CommandResult> handle(String kind, Map<String, Object> body, CommandEnvelope envelope,
            CommandOrigin origin) {
        String name = (String) body.get("name");
        String target = (String) body.get("target_node");
        return migrations.migrateFromBroker(name, target, MIGRATE_TIMEOUT).handle((moved, failure) -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("agent", name);
            fields.put("from_node", failure == null ? moved.fromNode() : self);
            fields.put("to_node", target);
            fields.put("duration_ms", failure == null ? moved.durationMs() : 0);
            String error = failure != null ? String.valueOf(failure.getMessage()) : moved.error();
            return new CommandResult(self, error == null, error, fields);
        });
    }
}
