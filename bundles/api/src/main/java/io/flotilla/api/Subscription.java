package io.flotilla.api;

import org.osgi.annotation.versioning.ProviderType;

/** A subscription made through {@link AgentContext#subscribe}. Closing it twice is harmless. */
@ProviderType
public interface Subscription extends AutoCloseable {

    String topicFilter();

    @Override
    void close();
}
