package io.flotilla.dynamic.internal;

import java.util.Optional;

import io.flotilla.api.Message;

/** Messages as the node would hand them to an agent, for tests. */
final class TestMessages {

    private TestMessages() {
    }

    static Message of(Object payload) {
        return new Message() {
            @Override
            public Optional<String> sender() {
                return Optional.of("tester");
            }

            @Override
            public Optional<String> topic() {
                return Optional.empty();
            }

            @Override
            public Object payload() {
                return payload;
            }

            @Override
            public <T> T payloadAs(Class<T> type) {
                return type.cast(payload);
            }
        };
    }
}
