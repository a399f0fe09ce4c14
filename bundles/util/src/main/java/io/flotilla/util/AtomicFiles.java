package io.flotilla.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Durable file replacement: a reader sees the old content or the new, never a torn file. */
public final class AtomicFiles {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
            .withZone(ZoneOffset.UTC);

    private AtomicFiles() {
    }

    /** Writes to a temporary file, forces it to disk, renames it over {@code target}, forces the directory. */
    public static void write(Path target, byte[] content) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        forceDirectory(directory);
    }

    /**
     * Moves a file that could not be read out of the way, beside it, so that nothing is lost and
     * nothing reads it again: {@code name.json} becomes {@code name.json.corrupt-20260101-120000-000}.
     */
    public static Path moveAside(Path file, Clock clock) throws IOException {
        return moveAside(file, clock, "corrupt");
    }

    /**
     * Moves a file out of the way, beside it, kept: {@code name.json} becomes
     * {@code name.json.<why>-20260101-120000-000}.
     */
    public static Path moveAside(Path file, Clock clock, String why) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + "." + why + "-" + STAMP.format(clock.instant()));
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.toAbsolutePath().getParent());
        return aside;
    }

    /**
     * What the operating system said, without the path: {@code No space left on device},
     * {@code Read-only file system}, {@code Permission denied}.
     */
    public static String reason(IOException failure) {
        if (failure instanceof FileSystemException system && system.getReason() != null) {
            return system.getReason();
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    /**
     * Deletes the temporary files {@link #write} leaves in {@code directory} when the process is
     * killed between writing one and renaming it; returns how many there were.
     */
    public static int removeLeftovers(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, ".*.tmp")) {
            for (Path leftover : leftovers) {
                if (Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(leftover)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static void forceDirectory(Path directory) {
        // Makes the rename itself durable. Not every platform can open a directory; there the
        // rename is as durable as the file system makes it.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort, see above
        }
    }
}
