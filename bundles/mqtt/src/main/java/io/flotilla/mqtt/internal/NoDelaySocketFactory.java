package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sockets with TCP_NODELAY. Without it, a small publish waits for the peer's delayed ACK (40 ms
 * and more) and every request/reply measures Nagle's algorithm instead of the system. The node's
 * sockets also pass what they read through a {@link PacketSizeGuard}, so that no message over the
 * node's limit is ever allocated. Paho wants a plain {@link SocketFactory} for tcp:// and an
 * {@link SSLSocketFactory} for ssl://: {@link #guarded} and {@link #tls} give each. Public for the
 * benchmarks' raw clients ({@link #plain}); the package is not exported.
 */
public final class NoDelaySocketFactory extends SocketFactory {

    private final InboundLimits inbound;

    private NoDelaySocketFactory(InboundLimits inbound) {
        this.inbound = inbound;
    }

    /** Plain sockets that read whatever comes: for the benchmarks' raw clients. */
    public static SocketFactory plain() {
        return new NoDelaySocketFactory(null);
    }

    /** Plain sockets that refuse a message over its topic's limit. */
    static SocketFactory guarded(InboundLimits inbound) {
        return new NoDelaySocketFactory(inbound);
    }

    /** TLS sockets from {@code delegate} that read whatever comes: for the benchmarks' raw clients. */
    public static SSLSocketFactory plainTls(SSLSocketFactory delegate) {
        return new Tls(delegate, null);
    }

    /** TLS sockets from {@code delegate} that refuse a message over its topic's limit. */
    static SSLSocketFactory tls(SSLSocketFactory delegate, InboundLimits inbound) {
        return new Tls(delegate, inbound);
    }

    static <S extends Socket> S noDelay(S socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(inbound == null ? new Socket() : new GuardedSocket(inbound));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localHost, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    /** The same for TLS sockets. */
    private static final class Tls extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final InboundLimits inbound;

        Tls(SSLSocketFactory delegate, InboundLimits inbound) {
            this.delegate = delegate;
            this.inbound = inbound;
        }

        private Socket guard(Socket socket) throws IOException {
            return noDelay(inbound == null ? socket : new GuardedSslSocket((SSLSocket) socket, inbound));
        }

        @Override
        public Socket createSocket() throws IOException {
            return guard(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return guard(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return guard(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return guard(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return guard(delegate.createSocket(address, port, localAddress, localPort));
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return guard(delegate.createSocket(socket, host, port, autoClose));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }
}
