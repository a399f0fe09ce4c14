package io.flotilla.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;

/**
 * An issued certificate on disk, in the forms its users read: {@code NAME.crt} and {@code NAME.key}
 * (PEM, for Mosquitto and other tools), {@code NAME.p12} (PKCS#12 with the CA's certificate in its
 * chain, for Java) and, unless the caller chose the password, {@code NAME.pass} holding it. The key
 * and the password file are readable by their owner alone.
 */
public final class IssuedFiles {

    private IssuedFiles() {
    }

    /**
     * Writes {@code issued} as {@code name.*} into {@code directory}; returns the PKCS#12 file.
     *
     * @param password the PKCS#12 password, or null for a generated one kept in {@code name.pass}
     */
    public static Path write(Issued issued, String name, Path directory, char[] password)
            throws IOException, GeneralSecurityException {
        PkiFiles.createPrivateDirectory(directory);
        for (String suffix : new String[] {".crt", ".key", ".p12", ".pass"}) {
            if (Files.exists(directory.resolve(name + suffix))) {
                throw new IOException(directory.resolve(name + suffix) + " exists already: it is never overwritten; "
                        + "remove the old files of " + name + " first");
            }
        }
        char[] secret = password != null ? password : generatedPassword();
        if (password == null) {
            PkiFiles.writePrivate(directory.resolve(name + ".pass"), new String(secret) + "\n");
        }
        PkiFiles.writePrivate(directory.resolve(name + ".key"), Pem.of(issued.key()));
        PkiFiles.writePublic(directory.resolve(name + ".crt"), Pem.of(issued.certificate()));
        Path p12 = directory.resolve(name + ".p12");
        PkiFiles.writePrivate(p12, pkcs12(issued, name, secret));
        return p12;
    }

    private static byte[] pkcs12(Issued issued, String name, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(name, issued.key(), password, new Certificate[] {issued.certificate(), issued.ca()});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, password);
        return bytes.toByteArray();
    }

    /** 24 random bytes, as 32 characters of URL-safe Base64: nothing a shell or a properties file mangles. */
    private static char[] generatedPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    }
}
