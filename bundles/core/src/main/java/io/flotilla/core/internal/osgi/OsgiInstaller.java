package io.flotilla.core.internal.osgi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
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
import io.flotilla.core.internal.runtime.Installer;
import io.flotilla.runtime.SpawnConfig;
import io.flotilla.spi.handoff.AgentCode;
import io.flotilla.util.DaemonThreads;
import io.flotilla.util.Hashes;

/**
 * Installs agent code: what a spawn names, bundles from {@code mvn:} and {@code file:} locations
 * (checked against their sha256 when pinned) and Karaf features ({@code feature:name/version}), and
 * bundles another node sent for an agent that moves here. Tells where the bundle of a type came from
 * and reads its bytes for such a move. One install at a time, on a thread of its own, so a slow
 * download never holds an agent thread.
 */
@Component(service = {Installer.class, AgentCode.class})
public final class OsgiInstaller implements Installer, AgentCode {

    private static final Logger LOG = LoggerFactory.getLogger(OsgiInstaller.class);
    private static final String FEATURE = "feature:";

    private final BundleContext context;
    private final List<String> allowedPrefixes;
    private final long maxBundleBytes;
    private final ExecutorService worker;
    private final Map<String, CodeSource> hashed = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FeaturesService features;

    @Activate
    public OsgiInstaller(BundleContext context, @Reference NodeGate gate) {
        this.context = context;
        this.allowedPrefixes = gate.gate().policy().bundleLocations();
        this.maxBundleBytes = gate.gate().policy().bundleMaxBytes();
        this.worker = Executors.newSingleThreadExecutor(DaemonThreads.named("flotilla-installer"));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdownNow();
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("An install was still running 10 s after the installer stopped");
        }
    }

    @Override
    public CompletionStage<Void> install(SpawnConfig config) {
        return onWorker(() -> {
            for (String location : config.install()) {
                installOne(location, null);
            }
            if (config.bundle().isPresent()) {
                installOne(config.bundle().get(), config.sha256().orElse(null));
            }
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
                    byte[] bytes = download(bundle.getLocation());
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

    @Override
    public byte[] read(CodeSource source) throws IOException {
        byte[] bytes = download(source.location());
        if (source.sha256() != null && !Hashes.sha256(bytes).equals(source.sha256())) {
            throw new IOException(source.location() + " no longer holds the bundle that was installed from it (sha256 differs)");
        }
        return bytes;
    }

    @Override
    public CompletionStage<Void> install(String location, String sha256) {
        return onWorker(() -> installOne(location, sha256));
    }

    @Override
    public CompletionStage<Void> install(String location, byte[] bytes, String sha256) {
        return onWorker(() -> {
            if (bytes.length > maxBundleBytes) {
                throw new IOException("the bundle for " + location + " is " + bytes.length + " bytes, over the limit of "
                        + maxBundleBytes + " (bundle.max.bytes)");
            }
            String actual = Hashes.sha256(bytes);
            if (!actual.equals(sha256.toLowerCase(Locale.ROOT))) {
                throw new SecurityException("the bytes sent for " + location + " hash to " + actual + ", not " + sha256);
            }
            Bundle bundle = context.getBundle(location);
            boolean fresh = bundle == null;
            if (fresh) {
                LOG.info("Installing bundle {} from {} bytes another node sent", location, bytes.length);
                bundle = context.installBundle(location, new ByteArrayInputStream(bytes));
            }
            start(bundle, location, fresh);
        });
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private CompletionStage<Void> onWorker(Work work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            worker.execute(() -> {
                try {
                    work.run();
                    done.complete(null);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the node is stopping"));
        }
        return done;
    }

    // ---------------------------------------------------------------- installing

    private void installOne(String location, String sha256) throws Exception {
        if (allowedPrefixes.stream().noneMatch(location::startsWith)) {
            throw new SecurityException(location + " is not an allowed location (bundle.locations in "
                    + SecurityConfig.PID + ".cfg allows " + allowedPrefixes + ")");
        }
        if (location.startsWith(FEATURE)) {
            installFeature(location.substring(FEATURE.length()));
        } else {
            installBundle(location, sha256);
        }
    }

    private void installFeature(String spec) throws Exception {
        FeaturesService service = features;
        if (service == null) {
            throw new IllegalStateException("feature: locations need Karaf's features service, which this node lacks");
        }
        int slash = spec.indexOf('/');
        String name = slash < 0 ? spec : spec.substring(0, slash);
        String version = slash < 0 ? null : spec.substring(slash + 1);
        if (version == null ? service.isInstalled(service.getFeature(name))
                : service.isInstalled(service.getFeature(name, version))) {
            return;
        }
        LOG.info("Installing feature {}", spec);
        if (version == null) {
            service.installFeature(name);
        } else {
            service.installFeature(name, version);
        }
    }

    private void installBundle(String location, String sha256) throws Exception {
        Bundle bundle = context.getBundle(location);
        boolean fresh = bundle == null;
        if (fresh) {
            LOG.info("Installing bundle {}", location);
            bundle = sha256 == null ? context.installBundle(location)
                    : context.installBundle(location, new ByteArrayInputStream(verifiedBytes(location, sha256)));
        }
        start(bundle, location, fresh);
    }

    private void start(Bundle bundle, String location, boolean fresh) throws BundleException {
        if (bundle.getState() == Bundle.ACTIVE) {
            return;
        }
        try {
            bundle.start();
        } catch (BundleException e) {
            if (fresh) {
                uninstallQuietly(bundle);
            }
            throw new BundleException(location + " does not start: " + e.getMessage(), e);
        }
    }

    private byte[] verifiedBytes(String location, String expected) throws IOException {
        byte[] bytes = download(location);
        String actual = Hashes.sha256(bytes);
        if (!actual.equals(expected.toLowerCase(Locale.ROOT))) {
            throw new SecurityException("sha256 of " + location + " is " + actual + ", but the spawn pins " + expected);
        }
        return bytes;
    }

    private byte[] download(String location) throws IOException {
        try (InputStream in = new URL(location).openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) > 0) {
                total += read;
                if (total > maxBundleBytes) {
                    throw new IOException(location + " is over the limit of " + maxBundleBytes + " bytes (bundle.max.bytes)");
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        }
    }

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Could not uninstall {} after it failed to start", bundle.getLocation(), e);
        }
    }
}
