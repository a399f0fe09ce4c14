package io.flotilla.mqtt.testing;

import java.lang.reflect.Proxy;
import java.util.Map;

/** An instance of a DS configuration annotation: the defaults, with some values replaced. */
public final class Configs {

    private Configs() {
    }

    /**
     * The configuration a component gets from properties as a {@code .cfg} file has them
     * ({@code broker.url = ...}): keys turned into method names, text into the methods' types, as
     * Declarative Services does.
     */
    public static <A> A fromProperties(Class<A> type, Map<String, String> properties) {
        Map<String, Object> values = new java.util.HashMap<>();
        for (java.lang.reflect.Method method : type.getDeclaredMethods()) {
            String value = properties.get(method.getName().replace('_', '.'));
            if (value != null) {
                values.put(method.getName(), convert(value.trim(), method.getReturnType()));
            }
        }
        return of(type, values);
    }

    private static Object convert(String value, Class<?> type) {
        if (type == int.class) {
            return Integer.parseInt(value);
        }
        if (type == long.class) {
            return Long.parseLong(value);
        }
        if (type == double.class) {
            return Double.parseDouble(value);
        }
        if (type == boolean.class) {
            return Boolean.parseBoolean(value);
        }
        if (type == String[].class) {
            return value.isEmpty() ? new String[0] : value.split("\\s*,\\s*");
        }
        return value;
    }

    public static <A> A of(Class<A> type, Map<String, Object> values) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            return switch (method.getName()) {
                case "annotationType" -> type;
                case "toString" -> type.getSimpleName() + values;
                case "hashCode" -> values.hashCode();
                case "equals" -> self == args[0];
                default -> throw new IllegalStateException("no value for " + method.getName());
            };
        });
        return type.cast(proxy);
    }
}
