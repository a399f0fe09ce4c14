package eval;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** HiveMQ CE embedded on PORT with its data in DIR; "heap" on stdin prints the heap in use after full GCs. */
public final class Broker {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), "<?xml version=\"1.0\"?><hivemq><listeners><tcp-listener><port>" + port
                + "</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>"
                + "<anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics></hivemq>");
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions"))).build();
        hivemq.start().join();
        System.out.println("ready " + heap());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("heap")) {
                System.out.println("heap " + heap());
            } else if (line.equals("stop")) {
                break;
            }
        }
        hivemq.stop().join();
        System.exit(0);
    }

    static long heap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
