package io.flotilla.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate the fleet CA issued, with its private key and the CA's certificate.
 *
 * @param certificate the certificate, its subject CN the node's or operator's name
 * @param key         its private key
 * @param ca          the certificate of the CA that signed it
 */
public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {
}
