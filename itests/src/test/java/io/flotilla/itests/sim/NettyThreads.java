package io.flotilla.itests.sim;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;

/**
 * The threads of the Netty event loop that HiveMQ's MQTT clients share, owned by whoever makes them:
 * daemon threads, ended on close. HiveMQ's own default loop has threads that outlive the clients (a
 * cut connection keeps its hold on it), which kept benchmark JVMs alive after their last line.
 */
public final class NettyThreads implements AutoCloseable {

    private final ExecutorService threads;
    private final MqttClientExecutorConfig config;

    public NettyThreads(String name, int count) {
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        this.config = MqttClientExecutorConfig.builder().nettyExecutor(threads).nettyThreads(count).build();
    }

    /** For {@code MqttClient.builder().executorConfig(...)}. */
    public MqttClientExecutorConfig config() {
        return config;
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
