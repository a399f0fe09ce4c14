package io.flotilla.mqtt.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the broker is, from what an operator writes: {@code host}, {@code host:port},
 * {@code tcp://host:port}, {@code mqtt://}, {@code ssl://} or {@code mqtts://}; several, comma-separated.
 */
final class BrokerAddress {

    private static final Pattern ADDRESS = Pattern.compile(
            "(?:(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://)?(?<host>\\[[0-9a-fA-F:.]+]|[^:/\\[\\]@]+)(?::(?<port>[^/]*))?/?");

    private BrokerAddress() {
    }

    /** Paho server URIs for {@code text}; {@code defaultPort} where none is written. */
    static List<String> parse(String text, int defaultPort) {
        List<String> uris = new ArrayList<>();
        for (String part : text.split(",")) {
            String address = part.trim();
            if (address.isEmpty()) {
                continue;
            }
            if (address.contains("@")) {
                throw new IllegalArgumentException("broker address must not carry credentials; set username and "
                        + "password in io.flotilla.mqtt.cfg instead");
            }
            Matcher matcher = ADDRESS.matcher(address);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("broker address '" + address + "' is not host, host:port or scheme://host:port");
            }
            String scheme = scheme(matcher.group("scheme"), address);
            int port = defaultPort;
            String written = matcher.group("port");
            if (written != null) {
                try {
                    port = Integer.parseInt(written);
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("broker address '" + address + "' has no valid port (1 to 65535)");
            }
            uris.add(scheme + "://" + matcher.group("host") + ":" + port);
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("broker address is empty");
        }
        return uris;
    }

    private static String scheme(String written, String address) {
        if (written == null) {
            return "tcp";
        }
        return switch (written.toLowerCase(Locale.ROOT)) {
            case "tcp", "mqtt" -> "tcp";
            case "ssl", "mqtts", "tls" -> "ssl";
            default -> throw new IllegalArgumentException("broker address '" + address
                    + "' has scheme " + written + "; use tcp:// (mqtt://) or ssl:// (mqtts://)");
        };
    }
}
