package io.flotilla.spi.fleet;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who this node is in the fleet and whom the fleet's CA vouches for: the node's certificate and key
 * ({@code tls.keystore}) sign what it sends other nodes, and the CA's certificate
 * ({@code tls.truststore}) says whether a certificate that came with a message is a node's of this
 * fleet. The key never leaves the provider.
 */
@ProviderType
public interface FleetIdentity {

    /** {@code data} signed with this node's key, and its certificate; empty when the node has no identity. */
    Optional<NodeSignature> sign(byte[] data);

    /**
     * The name of the node whose certificate {@code certificate} (DER) is, when this node's fleet CA
     * issued it to a node, it is valid now, and its key made {@code signature} over {@code data};
     * empty otherwise, or when this node trusts no fleet CA.
     */
    Optional<String> signer(byte[] certificate, byte[] data, byte[] signature);

    /**
     * A node's signature and its certificate.
     *
     * @param value       the signature, in the form of the certificate's key (ECDSA: DER, over SHA-256)
     * @param certificate the node's certificate, DER
     */
    record NodeSignature(byte[] value, byte[] certificate) {
    }
}
