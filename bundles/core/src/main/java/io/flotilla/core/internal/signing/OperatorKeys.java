package io.flotilla.core.internal.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operators a node trusts: an Ed25519 public key per operator in {@code etc/operators/NAME.pub}
 * (PEM SubjectPublicKeyInfo, as {@code bin/flotilla key generate} writes it) and, in
 * {@code NAME.cfg} beside it, the command kinds that operator may sign ({@code kinds = spawn, stop};
 * every kind without it).
 */
public final class OperatorKeys {

    /** One trusted operator: the key, and the kinds it may sign (empty: all). */
    public record Operator(String name, PublicKey key, Set<String> kinds) {
        public boolean may(String kind) {
            return kinds.isEmpty() || kinds.contains(kind);
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");

    private final Map<String, Operator> operators;

    private OperatorKeys(Map<String, Operator> operators) {
        this.operators = Map.copyOf(operators);
    }

    /** The operators of {@code directory}; none when it does not exist. A key that cannot be read is an error naming it. */
    public static OperatorKeys load(Path directory) throws IOException {
        Map<String, Operator> found = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return new OperatorKeys(found);
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pub")).sorted().toList()) {
                String name = file.getFileName().toString().replaceFirst("\\.pub$", "");
                if (!NAME.matcher(name).matches()) {
                    throw new IOException(file + ": an operator's name is 1 to 64 of A-Z a-z 0-9 . _ -");
                }
                found.put(name, new Operator(name, publicKey(file), kinds(directory.resolve(name + ".cfg"))));
            }
        }
        return new OperatorKeys(found);
    }

    public Optional<Operator> operator(String name) {
        return Optional.ofNullable(operators.get(name));
    }

    public Set<String> names() {
        return operators.keySet();
    }

    /** An Ed25519 public key from PEM ({@code BEGIN PUBLIC KEY}). */
    static PublicKey publicKey(Path file) throws IOException {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
            throw new IOException(file + " holds no PEM public key (BEGIN PUBLIC KEY)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").trim());
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is no Ed25519 public key: " + e.getMessage(), e);
        }
    }

    private static Set<String> kinds(Path cfg) throws IOException {
        if (!Files.isRegularFile(cfg)) {
            return Set.of();
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(cfg)) {
            properties.load(in);
        }
        String kinds = properties.getProperty("kinds", "").trim();
        if (kinds.isEmpty() || kinds.equals("*")) {
            return Set.of();
        }
        return Arrays.stream(kinds.split(",")).map(String::trim).filter(k -> !k.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }
}
