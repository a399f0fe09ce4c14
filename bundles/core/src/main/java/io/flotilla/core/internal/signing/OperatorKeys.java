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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.flotilla.runtime.SpawnConfig;

/**
 * The operators a node trusts: an Ed25519 public key per operator in {@code etc/operators/NAME.pub}
 * (PEM SubjectPublicKeyInfo, as {@code bin/flotilla key generate} writes it) and, in
 * {@code NAME.properties} beside it, the command kinds that operator may sign ({@code kinds = spawn, stop};
 * every kind without it). Not {@code NAME.cfg}: Karaf's file install would take a directory of
 * {@code etc/} that holds a {@code .cfg} for a bundle and install it.
 */
public final class OperatorKeys {

    /** One trusted operator: the key, and the kinds it may sign (empty: all). */
    public record Operator(String name, PublicKey key, Set<String> kinds) {
        public boolean may(String kind) {
            return kinds.isEmpty() || kinds.contains(kind);
        }
    }

    private final Map<String, Operator> operators;

    private OperatorKeys(Map<String, Operator> operators) {
        this.operators = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(operators));
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
                if (!SpawnConfig.NAME.matcher(name).matches()) { // the rule of node and agent names
                    throw new IOException(file + ": an operator's name is 1 to 64 of A-Z a-z 0-9 . _ -");
                }
                found.put(name, new Operator(name, publicKey(file), kinds(directory.resolve(name + ".properties"))));
            }
        }
        return new OperatorKeys(found);
    }

    /** No operator at all. */
    public static OperatorKeys none() {
        return new OperatorKeys(Map.of());
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
        // A file that narrows nothing by mistake must not mean "everything": only "*" does
        String kinds = properties.getProperty("kinds", "").trim();
        if (kinds.equals("*")) {
            return Set.of();
        }
        Set<String> listed = Arrays.stream(kinds.split(",")).map(String::trim).filter(k -> !k.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (listed.isEmpty() || !properties.stringPropertyNames().equals(Set.of("kinds"))
                || listed.stream().anyMatch(kind -> !kind.matches("[a-z_]{1,32}"))) {
            throw new IOException(cfg + " must hold one setting, kinds = KIND, KIND... (or kinds = * for all)");
        }
        return listed;
    }
}
