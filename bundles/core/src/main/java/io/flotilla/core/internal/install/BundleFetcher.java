package io.flotilla.core.internal.install;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.flotilla.core.internal.command.CodeLocations;
import io.flotilla.util.Hashes;

/**
 * Reads a bundle's bytes from an allowed location, within a deadline and a size limit: a stalled
 * download or a file that never ends fails in time instead of holding the install forever. A
 * {@code file:} location must be a regular file (not a pipe or a device). What it reports never
 * gives away a file's contents or hash.
 */
final class BundleFetcher {

    private static final int BUFFER = 64 * 1024;

    private final long maxBytes;

    BundleFetcher(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The bytes at {@code location}, which the caller has checked against the allowlist. */
    byte[] read(String location, Instant deadline) throws IOException {
        Path file = CodeLocations.path(location);
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IOException(location + " is not a regular file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return readAll(location, in, deadline);
            }
        }
        URLConnection connection = new URL(location).openConnection();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.between(Instant.now(), deadline).toMillis()));
        connection.setConnectTimeout(millis);
        connection.setReadTimeout(millis);
        try (InputStream in = connection.getInputStream()) {
            return readAll(location, in, deadline);
        }
    }

    /** The bytes at {@code location}, checked against the sha256 a spawn pins. */
    byte[] readPinned(String location, String sha256, Instant deadline) throws IOException {
        byte[] bytes = read(location, deadline);
        if (!Hashes.sha256(bytes).equals(sha256.toLowerCase(Locale.ROOT))) {
            throw new SecurityException("the bundle at " + location + " does not have the sha256 the spawn pins");
        }
        return bytes;
    }

    /** Checks bytes another node sent against the sha256 it named. */
    void checkSent(String location, byte[] bytes, String sha256) throws IOException {
        if (bytes.length > maxBytes) {
            throw new IOException("the bundle for " + location + " is " + bytes.length + " bytes, over the limit of "
                    + maxBytes + " (bundle.max.bytes)");
        }
        if (!Hashes.sha256(bytes).equals(sha256.toLowerCase(Locale.ROOT))) {
            throw new SecurityException("the bytes sent for " + location + " do not have the sha256 named for them");
        }
    }

    private byte[] readAll(String location, InputStream in, Instant deadline) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) > 0) {
            total += read;
            if (total > maxBytes) {
                throw new IOException(location + " is over the limit of " + maxBytes + " bytes (bundle.max.bytes)");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException(location + " did not arrive in time (" + total + " bytes read)");
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }
}
