package io.flotilla.runtime;

import org.osgi.annotation.versioning.ProviderType;

/** Turns JSON spawn documents into validated {@link SpawnConfig}s and back, with the node's size limit. */
@ProviderType
public interface SpawnConfigReader {

    /**
     * Parses and validates one JSON document.
     *
     * @throws InvalidSpawnConfigException when it is not JSON, not an object, over the size limit,
     *         or a field is invalid; the exception names the field ({@code document} for the whole)
     */
    SpawnConfig read(byte[] json);

    /** {@link #read(byte[])} of UTF-8 text. */
    SpawnConfig read(String json);

    /** The document as indented JSON. */
    String write(SpawnConfig config);

    /** The largest document {@link #read} accepts, in bytes. */
    int maxDocumentBytes();
}
