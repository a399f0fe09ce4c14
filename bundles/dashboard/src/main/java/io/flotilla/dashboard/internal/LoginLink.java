package io.flotilla.dashboard.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one-time sign-in link {@code bin/flotilla --dashboard} prints at start, as notebook servers
 * do, so that the first run needs no user set up: the launcher writes a random token to a file
 * only the node's user can read, and the first request that offers it signs in and deletes the
 * file. The token never appears on a command line or in a log.
 */
final class LoginLink {

    /** The local operator a redeemed link signs in. */
    static final String USER = "local operator";
    private static final int MAX_TOKEN_BYTES = 256;

    private final Path file;

    LoginLink(Path file) {
        this.file = file;
    }

    /** Whether {@code offered} is the token; if so it is used up. */
    synchronized boolean redeem(String offered) {
        if (offered == null || offered.isEmpty() || offered.length() > MAX_TOKEN_BYTES) {
            return false;
        }
        String token;
        try {
            if (Files.size(file) > MAX_TOKEN_BYTES) {
                return false;
            }
            token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return false; // used already, or no link was printed
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the sign-in link's token " + file + ": " + e.getMessage(), e);
        }
        if (token.isEmpty() || !Sessions.sameSecret(token, offered)) {
            return false;
        }
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot use up the sign-in link's token " + file + ": " + e.getMessage(), e);
        }
        return true;
    }
}
