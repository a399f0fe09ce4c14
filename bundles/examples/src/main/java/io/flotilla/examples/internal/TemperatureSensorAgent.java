package io.flotilla.examples.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentContext;
import io.flotilla.api.AgentType;
import io.flotilla.api.Severity;

/**
 * A simulated temperature sensor: every poll it publishes {@code {"value", "unit": "C", "node"}} to
 * the setting {@code topic} (default {@code sensors/temperature}), a reading that wanders around
 * {@code base} (default 21.0 °C). With {@code alert_above} set, a reading above it raises an alert.
 */
@Component(service = Agent.class, scope = ServiceScope.PROTOTYPE)
@AgentType("temperature-sensor")
public class TemperatureSensorAgent implements Agent {

    private final Random random = new Random();
    private String topic;
    private double base;
    private double drift;
    private Double alertAbove;

    @Override
    public void setup(AgentContext ctx) {
        topic = ctx.config().getString("topic", "sensors/temperature");
        base = ctx.config().getDouble("base", 21.0);
        alertAbove = ctx.config().setting("alert_above").isPresent() ? ctx.config().getDouble("alert_above", 0) : null;
        ctx.log("publishing simulated readings to " + topic);
    }

    @Override
    public void process(AgentContext ctx) {
        drift = Math.max(-3, Math.min(3, drift + random.nextGaussian() * 0.2));
        double value = Math.round((base + drift) * 10) / 10.0;
        Map<String, Object> reading = new LinkedHashMap<>();
        reading.put("value", value);
        reading.put("unit", "C");
        reading.put("node", ctx.node());
        ctx.publish(topic, reading);
        ctx.log("Temperature: " + value + "C");
        if (alertAbove != null && value > alertAbove) {
            ctx.alert("temperature " + value + "C is above " + alertAbove + "C", Severity.WARNING);
        }
    }
}
