package io.flotilla.core.internal.osgi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.flotilla.core.internal.command.CommandIntake;
import io.flotilla.runtime.CommandApprovals;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.Commands;
import io.flotilla.spi.command.CommandHandler;

/**
 * The node's one command intake ({@link Commands}), with the node's own commands and those that
 * other bundles add as {@link CommandHandler} services (whiteboard), and the commands it holds for
 * an operator's approval ({@link CommandApprovals}).
 */
@Component(service = {Commands.class, CommandApprovals.class})
public final class CommandIntakeComponent implements Commands, CommandApprovals {

    private final CommandIntake intake;

    @Activate
    public CommandIntakeComponent(BundleContext context, @Reference NodeGate gate, @Reference AgentRuntime runtime) {
        this.intake = new CommandIntake(gate.gate(), runtime.system(), runtime.declarations(), () -> NodeShutdown.stopFramework(context, "stop_all"),
                location -> context.getBundle(location) != null);
    }

    @Deactivate
    void deactivate() {
        intake.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindHandler(CommandHandler handler, Map<String, Object> properties) {
        intake.addHandler(handler, kinds(properties.get(CommandHandler.KINDS)));
    }

    void unbindHandler(CommandHandler handler) {
        intake.removeHandler(handler);
    }

    @Override
    public void submit(String kind, byte[] document, CommandOrigin origin, Consumer<CommandResult> onResult) {
        intake.submit(kind, document, origin, onResult);
    }

    @Override
    public void submit(String kind, Map<String, Object> document, CommandOrigin origin, Consumer<CommandResult> onResult) {
        intake.submit(kind, document, origin, onResult);
    }

    @Override
    public List<PendingCommand> pending() {
        return intake.pending();
    }

    @Override
    public CompletionStage<CommandResult> approve(String id) {
        return intake.approve(id);
    }

    @Override
    public boolean reject(String id) {
        return intake.reject(id);
    }

    private static List<String> kinds(Object property) {
        if (property instanceof String[] many) {
            return List.of(many);
        }
        return property == null ? List.of() : List.of(String.valueOf(property));
    }
}
