package io.flotilla.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.flotilla.mqtt.testing.Configs;

/**
 * A broker that accepts the TCP connection and never answers CONNECT: Paho would wait for the
 * CONNACK forever. The node gives the attempt up after twice its connect timeout and tries again.
 */
class SilentBrokerTest {

    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private ServerSocket silent;
    private Thread acceptor;
    private MqttConnection connection;

    @AfterEach
    void close() throws Exception {
        if (connection != null) {
            connection.deactivate();
        }
        acceptor.interrupt();
        silent.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    @Test
    void aConnectThatIsNeverAnsweredIsGivenUpAndTriedAgain() throws Exception {
        silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-broker");
        acceptor.start();
        MqttSettings settings = MqttSettings.from(Configs.of(MqttConfig.class, Map.of("broker_port", silent.getLocalPort(),
                "connect_timeout", 1, "reconnect_min", 0.05, "reconnect_max", 0.2)), "hushed");

        connection = new MqttConnection(settings, "hushed");

        Socket first = accepted.poll(10, TimeUnit.SECONDS);
        Socket second = accepted.poll(10, TimeUnit.SECONDS);
        assertFalse(second == null, "a second attempt after the first went unanswered");
        first.setSoTimeout(5000);
        try (InputStream in = first.getInputStream()) {
            in.readAllBytes(); // the CONNECT, then the end: the abandoned attempt's socket is closed
        }
        assertFalse(connection.isConnected());
    }
}
