package io.flotilla.broker.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;

/** What every listener of the embedded broker has in common, and what its addresses are. */
final class Listeners {

    private Listeners() {
    }

    /**
     * The parameters of a Netty listener on {@code host:port} for {@code protocol}, with the TLS
     * parameters {@code tls} (empty without TLS). Plain NIO: the native transports need libraries
     * a Raspberry Pi's JVM may lack.
     */
    static Map<String, Object> parameters(Map<String, Object> tls, String host, int port, String protocol) {
        Map<String, Object> listener = new HashMap<>(tls);
        listener.put(TransportConstants.HOST_PROP_NAME, host);
        listener.put(TransportConstants.PORT_PROP_NAME, port);
        listener.put(TransportConstants.PROTOCOLS_PROP_NAME, protocol);
        listener.put(TransportConstants.USE_EPOLL_PROP_NAME, false);
        listener.put(TransportConstants.USE_KQUEUE_PROP_NAME, false);
        return listener;
    }

    /** Whether {@code host} is this machine alone; an unknown name is not. */
    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code host} means every address of this machine (0.0.0.0, ::), which no peer can connect to. */
    static boolean anyAddress(String host) {
        try {
            return host.isEmpty() || InetAddress.getByName(host).isAnyLocalAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
