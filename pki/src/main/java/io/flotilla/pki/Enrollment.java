package io.flotilla.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The new node's side of pairing, run by {@code bin/flotilla --pair} before the node starts: it
 * makes its key (which never leaves it), reaches the broker's enrollment listener over TLS
 * (checking the broker against the fleet CA, presenting no certificate), sends its request on
 * {@code pairing/requests/{name}} every {@link #REPEAT} until answered, prints the pairing code,
 * and waits on {@code pairing/replies/{name}}. A certificate is taken only when the fleet CA
 * signed it, for this name and this key; then it is written beside the node's settings.
 */
public final class Enrollment {

    public static final String REQUESTS = "pairing/requests/";
    public static final String REPLIES = "pairing/replies/";
    static final Duration REPEAT = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final X509Certificate ca;
    private final String name;
    private final Clock clock;
    private final PrintStream out;

    public Enrollment(String url, X509Certificate ca, String name, Clock clock, PrintStream out) {
        this.url = url;
        this.ca = ca;
        this.name = name;
        this.clock = clock;
        this.out = out;
    }

    /** Pairs, waiting at most {@code limit} for the operator; returns the PKCS#12 file written into {@code directory}. */
    public Path pair(Path directory, Duration limit) throws IOException, GeneralSecurityException {
        CertificateIssuer.checkName(name);
        if (!url.startsWith("ssl://")) {
            throw new IllegalArgumentException("pairing goes over TLS only, to a broker the fleet CA vouches for: ssl://HOST:PORT, not "
                    + url);
        }
        Duration patience = limit.compareTo(PairingDesk.LIFETIME) > 0 ? PairingDesk.LIFETIME : limit;
        KeyPair keys = Keys.generate();
        PairingRequest request = PairingRequest.create(name, keys, clock);
        BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>(64);
        MqttClient client = connect();
        try {
            client.subscribe(REPLIES + name, 1, (topic, message) -> replies.offer(message.getPayload()));
            byte[] payload = JSON.writeValueAsBytes(request.toMap());
            out.println("flotilla: pairing code for " + name + ": " + request.code());
            out.println("flotilla: on a node holding the fleet CA, run:  node:pair " + name + " " + request.code());
            out.println("flotilla: waiting up to " + patience.toSeconds() + " s for the operator (Ctrl-C to give up)");
            Instant deadline = clock.instant().plus(patience);
            Instant resend = Instant.MIN;
            while (clock.instant().isBefore(deadline)) {
                if (!clock.instant().isBefore(resend)) {
                    client.publish(REQUESTS + name, payload, 1, false);
                    resend = clock.instant().plus(REPEAT);
                }
                long wait = Math.max(1, Math.min(Duration.between(clock.instant(), resend).toMillis(),
                        Duration.between(clock.instant(), deadline).toMillis()));
                byte[] reply = replies.poll(wait, TimeUnit.MILLISECONDS);
                X509Certificate certificate = reply == null ? null : answer(reply, request, keys);
                if (certificate != null) {
                    Path p12 = IssuedFiles.write(new Issued(certificate, keys.getPrivate(), ca), name, directory, null);
                    out.println("flotilla: paired: " + name + "'s certificate is valid until "
                            + certificate.getNotAfter().toInstant() + "; kept in " + p12);
                    return p12;
                }
            }
            throw new IOException("no operator answered within " + patience.toSeconds() + " s: nothing was paired;"
                    + " start again for a new code");
        } catch (MqttException e) {
            throw new IOException("the enrollment listener " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("pairing was interrupted: nothing was paired", e);
        } finally {
            close(client);
        }
    }

    /** The certificate in {@code reply} when it answers {@code request}; null for a reply to some other request. */
    private X509Certificate answer(byte[] reply, PairingRequest request, KeyPair keys) throws IOException, GeneralSecurityException {
        Map<?, ?> fields;
        try {
            fields = JSON.readValue(reply, Map.class);
        } catch (IOException e) {
            return null;
        }
        if (!request.nonce().equals(fields.get("nonce"))) {
            return null;
        }
        if (fields.get("refused") instanceof String reason) {
            throw new IOException("the operator's node refused the pairing of " + name + ": " + reason);
        }
        if (!(fields.get("certificate") instanceof String pem)) {
            return null;
        }
        X509Certificate certificate = Pem.certificates(pem).get(0);
        certificate.verify(ca.getPublicKey());
        if (!certificate.getPublicKey().equals(keys.getPublic())) {
            throw new GeneralSecurityException("the certificate sent for " + name + " is not for the key of this request");
        }
        if (!certificate.getSubjectX500Principal().getName().contains("CN=" + name)) {
            throw new GeneralSecurityException("the certificate sent names " + certificate.getSubjectX500Principal()
                    + ", not " + name);
        }
        return certificate;
    }

    private MqttClient connect() throws IOException, GeneralSecurityException {
        try {
            MqttClient client = new MqttClient(url, "pairing-" + name + "-" + UUID.randomUUID().toString().substring(0, 8),
                    new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setConnectionTimeout(15);
            options.setHttpsHostnameVerificationEnabled(true);
            options.setSocketFactory(FleetTls.context(null, List.of(ca)).getSocketFactory());
            client.connect(options);
            return client;
        } catch (MqttException e) {
            throw new IOException("cannot reach the enrollment listener " + url + ": " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"), e);
        }
    }

    private static void close(MqttClient client) {
        try {
            client.disconnect(2000);
        } catch (MqttException e) {
            // leaving: the broker ends the session either way
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // nothing left to release
        }
    }
}
