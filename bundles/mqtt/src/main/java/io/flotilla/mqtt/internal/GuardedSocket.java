package io.flotilla.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** A plain socket whose input passes through a {@link PacketSizeGuard} before Paho reads it. */
final class GuardedSocket extends Socket {

    private final InboundLimits inbound;
    private InputStream guarded;

    GuardedSocket(InboundLimits inbound) {
        this.inbound = inbound;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (guarded == null) {
            guarded = PacketSizeGuard.over(super.getInputStream(), inbound);
        }
        return guarded;
    }
}
