package io.flotilla.core.internal.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The agent types this node can run now; when several providers offer a type, the preferred one wins. */
final class TypeRegistry {

    private static final Comparator<AgentFactory> PREFERRED_FIRST = Comparator
            .comparingInt(AgentFactory::ranking).thenComparingLong(AgentFactory::order).reversed();

    private final Map<String, List<AgentFactory>> byType = new HashMap<>();

    synchronized void add(AgentFactory factory) {
        List<AgentFactory> providers = byType.computeIfAbsent(factory.type(), t -> new ArrayList<>());
        providers.add(factory);
        providers.sort(PREFERRED_FIRST);
    }

    synchronized void remove(AgentFactory factory) {
        List<AgentFactory> providers = byType.get(factory.type());
        if (providers != null && providers.remove(factory) && providers.isEmpty()) {
            byType.remove(factory.type());
        }
    }

    synchronized Optional<AgentFactory> lookup(String type) {
        List<AgentFactory> providers = byType.get(type);
        return providers == null ? Optional.empty() : Optional.of(providers.get(0));
    }

    synchronized Set<String> types() {
        return new TreeSet<>(byType.keySet());
    }
}
