package io.flotilla.core.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentAutostart;
import io.flotilla.api.AgentType;
import io.flotilla.core.internal.runtime.AgentFactory;

/** An agent type provided by a prototype-scoped {@link Agent} service: one service object per run. */
final class ServiceAgentFactory implements AgentFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAgentFactory.class);

    private final ServiceReference<Agent> reference;
    private final ServiceObjects<Agent> objects;
    private final String type;
    private final String provider;

    ServiceAgentFactory(BundleContext context, ServiceReference<Agent> reference) {
        this.reference = reference;
        this.objects = context.getServiceObjects(reference);
        this.type = String.valueOf(reference.getProperty(AgentType.PROPERTY));
        this.provider = reference.getBundle() == null ? "unknown"
                : reference.getBundle().getSymbolicName() + "/" + reference.getBundle().getVersion();
        if (!Constants.SCOPE_PROTOTYPE.equals(reference.getProperty(Constants.SERVICE_SCOPE))) {
            LOG.warn("Agent type {} from {} is not prototype-scoped: its agents will share one instance. "
                    + "Use @Component(scope = ServiceScope.PROTOTYPE)", type, provider);
        }
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Agent create() {
        Agent agent = objects == null ? null : objects.getService();
        if (agent == null) {
            throw new IllegalStateException("the service of type " + type + " is gone or could not be activated "
                    + "(see the log of " + provider + ")");
        }
        return agent;
    }

    @Override
    public void release(Agent agent) {
        try {
            objects.ungetService(agent);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The service went away first and the framework already released it.
            LOG.debug("Releasing an instance of {} from {}: {}", type, provider, e.getMessage());
        }
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public boolean autostart() {
        Object value = reference.getProperty(AgentAutostart.PROPERTY);
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }

    @Override
    public int ranking() {
        Object value = reference.getProperty(Constants.SERVICE_RANKING);
        return value instanceof Integer ranking ? ranking : 0;
    }

    @Override
    public long order() {
        Object value = reference.getProperty(Constants.SERVICE_ID);
        return value instanceof Long id ? id : 0;
    }
}
