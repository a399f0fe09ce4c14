package io.flotilla.core.internal.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentType;
import io.flotilla.core.internal.command.CommandGate;
import io.flotilla.core.internal.osgi.NodeGate;
import io.flotilla.core.internal.runtime.Installer;
import io.flotilla.runtime.InvalidSpawnConfigException;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.handoff.AgentCode;
import io.flotilla.util.DaemonThreads;
import io.flotilla.util.Hashes;

/**
 * Installs agent code: what a spawn names ({@code bundle}, {@code install}), and bundles for agents
 * that move here, from their location or from bytes another node sent; tells where the bundle of a
 * type came from and reads its bytes for such a move. Every location passes the node's allowlist
 * first. Each install runs on a thread of its own with one deadline for all of it (download,
 * install, start), so a stalled one fails in time and never holds up the others; at most
 * {@value #PARALLEL} run at once.
 */
@Component(service = {Installer.class, AgentCode.class})
public final class OsgiInstaller implements Installer, AgentCode {

    private static final Logger LOG = LoggerFactory.getLogger(OsgiInstaller.class);
    static final int PARALLEL = 8;
    private static final Duration CODE_DEADLINE = SpawnConfig.DEFAULT_INSTALL_TIMEOUT;

    private final BundleContext context;
    private final BundleFetcher fetcher;
    private final FrameworkInstalls installs;
    private final ThreadPoolExecutor threads;
    private final CommandGate gate;
    private final Map<String, CodeSource> hashed = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FeaturesService features;

    @Activate
    public OsgiInstaller(BundleContext context, @Reference NodeGate gate) {
        this.context = context;
        this.gate = gate.gate();
        this.fetcher = new BundleFetcher(gate.gate().policy().bundleMaxBytes());
        this.installs = new FrameworkInstalls(context, () -> features, fetcher, gate.gate().locations());
        this.threads = new ThreadPoolExecutor(0, PARALLEL, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered("flotilla-installer"));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        threads.shutdownNow();
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("An install was still running 10 s after the installer stopped");
        }
    }

    @Override
    public Optional<String> codeRefusal(SpawnConfig config) {
        try {
            gate.checkLanguage(config);
            return Optional.empty();
        } catch (InvalidSpawnConfigException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public CompletionStage<Void> install(SpawnConfig config) {
        List<String> locations = new ArrayList<>(config.install());
        config.bundle().ifPresent(locations::add);
        return run(String.join(", ", locations), config.installTimeout(), deadline -> {
            for (String location : config.install()) {
                installs.install(location, null, deadline);
            }
            if (config.bundle().isPresent()) {
                installs.install(config.bundle().get(), config.sha256().orElse(null), deadline);
            }
        });
    }

    @Override
    public CompletionStage<Void> install(String location, String sha256) {
        return run(location, CODE_DEADLINE, deadline -> installs.install(location, sha256, deadline));
    }

    @Override
    public CompletionStage<Void> install(String location, byte[] bytes, String sha256) {
        return run(location, CODE_DEADLINE, deadline -> installs.install(location, bytes, sha256, deadline));
    }

    /** One install, on a thread of its own. */
    @FunctionalInterface
    private interface Work {
        void run(Instant deadline) throws Exception;
    }

    private CompletionStage<Void> run(String what, Duration limit, Work work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Instant deadline = Instant.now().plus(limit);
        Future<?> running;
        try {
            running = threads.submit(() -> {
                try {
                    work.run(deadline);
                    done.complete(null);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(threads.isShutdown() ? "the node is stopping"
                    : "the node is installing " + PARALLEL + " things at once already; try again later"));
        }
        return done.orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> {
            if (failure instanceof TimeoutException) {
                running.cancel(true);
                return CompletableFuture.failedFuture(new TimeoutException("installing " + what
                        + " did not finish within " + limit.toMillis() / 1000.0 + " s"));
            }
            return CompletableFuture.failedFuture(failure);
        });
    }

    // ---------------------------------------------------------------- AgentCode

    @Override
    public Optional<CodeSource> sourceOf(String type) {
        Bundle bundle = providerOf(type);
        if (bundle == null) {
            return Optional.empty();
        }
        // Hashing reads the whole bundle: once per installed revision is enough.
        String key = bundle.getBundleId() + "@" + bundle.getLastModified();
        try {
            return Optional.of(hashed.computeIfAbsent(key, k -> {
                try {
                    byte[] bytes = fetcher.read(bundle.getLocation(), Instant.now().plus(CODE_DEADLINE));
                    return new CodeSource(bundle.getLocation(), bundle.getSymbolicName(), bundle.getVersion().toString(),
                            Hashes.sha256(bytes), bytes.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        } catch (UncheckedIOException e) {
            LOG.warn("The bundle of agent type {} cannot be read from its location {}: {}", type, bundle.getLocation(),
                    e.getCause().getMessage());
            return Optional.of(new CodeSource(bundle.getLocation(), bundle.getSymbolicName(),
                    bundle.getVersion().toString(), null, -1));
        }
    }

    @Override
    public byte[] read(CodeSource source) throws IOException {
        byte[] bytes = fetcher.read(source.location(), Instant.now().plus(CODE_DEADLINE));
        if (source.sha256() != null && !Hashes.sha256(bytes).equals(source.sha256())) {
            throw new IOException(source.location() + " no longer holds the bundle that was installed from it (sha256 differs)");
        }
        return bytes;
    }

    private Bundle providerOf(String type) {
        try {
            ServiceReference<?>[] references = context.getServiceReferences(Agent.class.getName(),
                    "(" + AgentType.PROPERTY + "=" + escape(type) + ")");
            if (references == null || references.length == 0) {
                return null;
            }
            Arrays.sort(references);
            return references[references.length - 1].getBundle(); // the highest ranking, as the agent manager picks
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("agent type '" + type + "' cannot be looked up: " + e.getMessage(), e);
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }
}
