package io.flotilla.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files of keys and certificates. A file with a secret is created readable by its owner alone
 * (0600) from its first byte, never widened afterwards, and never overwritten: whoever wants a new
 * one removes the old one first.
 */
final class PkiFiles {

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PkiFiles() {
    }

    /** Creates {@code directory} (0700) if it is missing; an existing one is left as it is. */
    static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, attributes(OWNER_DIRECTORY));
        }
    }

    /** Writes a secret: a private key, a password. */
    static void writePrivate(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.US_ASCII), OWNER_FILE);
    }

    static void writePrivate(Path file, byte[] bytes) throws IOException {
        write(file, bytes, OWNER_FILE);
    }

    /** Writes what anyone may read: a certificate. */
    static void writePublic(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-r--r--"));
    }

    /**
     * Replaces what {@code file} holds at once (a ledger, a revocation list): a reader sees the old
     * text or the new, never a part of either.
     */
    static void replace(Path file, String text, boolean secret) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.deleteIfExists(next);
        write(next, text.getBytes(StandardCharsets.US_ASCII), secret ? OWNER_FILE : PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void write(Path file, byte[] bytes, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.createFile(file, attributes(permissions));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists already: it is never overwritten; remove it first", e);
        }
        Files.write(file, bytes);
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, permissions); // exactly these, whatever the umask made of them
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }
}
