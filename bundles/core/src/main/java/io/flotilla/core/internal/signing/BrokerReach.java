package io.flotilla.core.internal.signing;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the fleet's broker can be reached from beyond this machine, from the settings that place
 * it ({@code broker.url} of {@code io.flotilla.mqtt}, and the listen {@code host} of the embedded
 * broker in {@code io.flotilla.broker}), without asking any name server: only {@code localhost},
 * {@code 127.x.x.x} and {@code ::1} are loopback, and a broker named any other way is taken to be
 * reachable. It decides the default security mode: {@code signed} unless the broker is on loopback.
 */
public final class BrokerReach {

    private BrokerReach() {
    }

    /**
     * The first address of the broker that is not loopback: one of {@code brokerUrl} (comma-separated,
     * with or without a scheme and port), or the embedded broker's {@code listenHost} when
     * {@code brokerUrl} is empty; empty when they are all on loopback.
     */
    public static Optional<String> reachableAddress(String brokerUrl, String listenHost) {
        String placed = brokerUrl == null ? "" : brokerUrl.trim();
        if (placed.isEmpty()) {
            return isLoopback(listenHost) ? Optional.empty() : Optional.of(listenHost.trim());
        }
        return Arrays.stream(placed.split(",")).map(String::trim).filter(uri -> !uri.isEmpty())
                .filter(uri -> !isLoopback(host(uri))).findFirst();
    }

    /** The host of {@code tcp://host:port}, {@code host:port}, {@code [::1]:1883} or {@code host}. */
    static String host(String uri) {
        String rest = uri.contains("://") ? uri.substring(uri.indexOf("://") + 3) : uri;
        rest = rest.replaceFirst("/.*$", "").replaceFirst("^.*@", "");
        if (rest.startsWith("[")) {
            int end = rest.indexOf(']');
            return end < 0 ? rest : rest.substring(1, end);
        }
        int colon = rest.indexOf(':');
        return colon >= 0 && rest.indexOf(':', colon + 1) < 0 ? rest.substring(0, colon) : rest;
    }

    static boolean isLoopback(String host) {
        String name = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")
                || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
