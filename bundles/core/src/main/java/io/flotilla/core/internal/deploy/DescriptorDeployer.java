package io.flotilla.core.internal.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.declare.DeclarationSource;
import io.flotilla.core.internal.osgi.AgentRuntime;
import io.flotilla.runtime.CommandOrigin;
import io.flotilla.runtime.CommandResult;
import io.flotilla.runtime.Commands;

/**
 * Spawn configs dropped into {@code deploy/} as {@code *.agent.json}, handed to the command intake
 * as what their file declares: a new or changed file spawns its agent (replacing the one running),
 * a deleted file stops and forgets it, keeping its persisted state. The node's declarations decide
 * what changed and remember it; files deleted while the node was down are noticed at start.
 */
@Component(service = ArtifactInstaller.class)
public final class DescriptorDeployer implements ArtifactInstaller {

    static final String SUFFIX = ".agent.json";
    private static final Logger LOG = LoggerFactory.getLogger(DescriptorDeployer.class);
    private static final long WAIT_SECONDS = 60;

    private final Commands commands;

    @Activate
    public DescriptorDeployer(@Reference Commands commands, @Reference AgentRuntime runtime) {
        this.commands = commands;
        for (DeclarationSource vanished : runtime.declarations().vanishedDescriptors()) {
            LOG.info("Descriptor {} was deleted while the node was down", vanished.file());
            undeclare(vanished.file());
        }
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(SUFFIX);
    }

    @Override
    public void install(File artifact) {
        deploy(artifact);
    }

    @Override
    public void update(File artifact) {
        deploy(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        undeclare(path(artifact));
    }

    private void deploy(File artifact) {
        byte[] content;
        try {
            content = Files.readAllBytes(artifact.toPath());
        } catch (IOException e) {
            LOG.error("Descriptor {} could not be read: {}", artifact, e.getMessage());
            return;
        }
        Path file = path(artifact);
        await(file, commands.submit("declare", content, CommandOrigin.deploy(file.toString())));
    }

    private void undeclare(Path file) {
        await(file, commands.submit("undeclare", Map.of(), CommandOrigin.deploy(file.toString())));
    }

    /** Waits for the intake, so that fileinstall sees one descriptor done before the next; the intake logs refusals. */
    private static void await(Path file, CompletionStage<CommandResult> result) {
        try {
            result.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Descriptor {} still being applied after {} s", file, WAIT_SECONDS);
        } catch (ExecutionException e) {
            LOG.error("Descriptor {} failed: {}", file, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path path(File artifact) {
        return artifact.getAbsoluteFile().toPath().normalize();
    }
}
