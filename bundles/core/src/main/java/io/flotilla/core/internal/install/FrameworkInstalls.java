package io.flotilla.core.internal.install;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.command.CodeLocations;
import io.flotilla.util.Hashes;

/**
 * Putting code into the framework: a bundle from an allowed location or from bytes another node
 * sent, started; a Karaf feature the allowlist names. Every location is checked against the node's
 * allowlist before anything reads it. Installs of one location happen one at a time; different ones
 * in parallel, each on the thread of its own install.
 */
final class FrameworkInstalls {

    private static final Logger LOG = LoggerFactory.getLogger(FrameworkInstalls.class);
    private static final String FEATURE = "feature:";

    private final BundleContext context;
    private final Supplier<FeaturesService> features;
    private final BundleFetcher fetcher;
    private final CodeLocations locations;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** The sha256 of the bytes each bundle revision was installed from here, by bundle id and last modification. */
    private final Map<String, String> installedHashes = new ConcurrentHashMap<>();

    FrameworkInstalls(BundleContext context, Supplier<FeaturesService> features, BundleFetcher fetcher,
            CodeLocations locations) {
        this.context = context;
        this.features = features;
        this.fetcher = fetcher;
        this.locations = locations;
    }

    /** Installs and starts what {@code location} names, its bytes checked against {@code sha256} when given. */
    void install(String location, String sha256, Instant deadline) throws Exception {
        checkAllowed(location);
        if (location.startsWith(FEATURE)) {
            installFeature(location.substring(FEATURE.length()));
            return;
        }
        ReentrantLock lock = lock(location, deadline);
        try {
            Bundle bundle = context.getBundle(location);
            boolean fresh = bundle == null;
            if (fresh) {
                byte[] bytes = sha256 == null ? fetcher.read(location, deadline) : fetcher.readPinned(location, sha256, deadline);
                LOG.info("Installing bundle {}", location);
                bundle = installed(context.installBundle(location, new ByteArrayInputStream(bytes)), bytes);
            } else if (sha256 != null) {
                checkInstalled(bundle, location, sha256, deadline);
            }
            startInTime(bundle, location, fresh, deadline);
        } finally {
            lock.unlock();
        }
    }

    /** Installs and starts a bundle another node sent, under {@code location}, after checking its hash. */
    void install(String location, byte[] bytes, String sha256, Instant deadline) throws Exception {
        checkAllowed(location);
        fetcher.checkSent(location, bytes, sha256);
        ReentrantLock lock = lock(location, deadline);
        try {
            Bundle bundle = context.getBundle(location);
            boolean fresh = bundle == null;
            if (fresh) {
                LOG.info("Installing bundle {} from {} bytes another node sent", location, bytes.length);
                bundle = installed(context.installBundle(location, new ByteArrayInputStream(bytes)), bytes);
            } else {
                checkInstalled(bundle, location, sha256, deadline);
            }
            startInTime(bundle, location, fresh, deadline);
        } finally {
            lock.unlock();
        }
    }

    private Bundle installed(Bundle bundle, byte[] bytes) {
        installedHashes.put(revision(bundle), Hashes.sha256(bytes));
        return bundle;
    }

    /**
     * A pin holds for a bundle installed already too: its bytes, as this node installed them, or else as
     * its location holds them now (a bundle installed before this node's last start, by deploy/ or a
     * feature), must have the pinned sha256.
     */
    private void checkInstalled(Bundle bundle, String location, String sha256, Instant deadline) throws Exception {
        String hash = installedHashes.get(revision(bundle));
        if (hash == null) {
            hash = Hashes.sha256(fetcher.read(location, deadline));
        }
        if (!hash.equals(sha256.toLowerCase(java.util.Locale.ROOT))) {
            throw new SecurityException("the bundle installed from " + location + " does not have the sha256 pinned for it");
        }
    }

    private static String revision(Bundle bundle) {
        return bundle.getBundleId() + "@" + bundle.getLastModified();
    }

    /**
     * Starts a bundle, unless its install's deadline passed meanwhile: the install was reported
     * failed then, and a fresh bundle that started late would run code nobody waits for. It goes.
     */
    private void startInTime(Bundle bundle, String location, boolean fresh, Instant deadline) throws Exception {
        if (Instant.now().isBefore(deadline)) {
            start(bundle, location, fresh);
        }
        if (fresh && !Instant.now().isBefore(deadline) && bundle.getState() != Bundle.UNINSTALLED) {
            LOG.warn("Installing {} finished after its deadline, when it had been reported failed; uninstalling it", location);
            bundle.uninstall();
            throw new TimeoutException("installing " + location + " did not finish in time");
        }
    }

    private void checkAllowed(String location) {
        String problem = locations.problem(location);
        if (problem != null) {
            String shown = location.length() > 120 ? location.substring(0, 120) + "…" : location;
            throw new SecurityException(shown + " " + problem);
        }
    }

    /** The lock of one location, waited for until {@code deadline} at most. */
    private ReentrantLock lock(String location, Instant deadline) throws InterruptedException, TimeoutException {
        ReentrantLock lock = locks.computeIfAbsent(location, l -> new ReentrantLock());
        long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        if (!lock.tryLock(millis, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("another install of " + location + " is still running");
        }
        return lock;
    }

    private void installFeature(String spec) throws Exception {
        FeaturesService service = features.get();
        if (service == null) {
            throw new IllegalStateException("feature: locations need Karaf's features service, which this node lacks");
        }
        int slash = spec.indexOf('/');
        String name = slash < 0 ? spec : spec.substring(0, slash);
        String version = slash < 0 ? null : spec.substring(slash + 1);
        Feature feature = version == null ? service.getFeature(name) : service.getFeature(name, version);
        if (feature == null) {
            throw new IllegalArgumentException("no feature " + spec + " in the node's feature repositories");
        }
        if (service.isInstalled(feature)) {
            return;
        }
        LOG.info("Installing feature {}", spec);
        service.installFeature(feature.getName(), feature.getVersion());
    }

    private static void start(Bundle bundle, String location, boolean fresh) throws BundleException {
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

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Could not uninstall {} after it failed to start", bundle.getLocation(), e);
        }
    }
}
