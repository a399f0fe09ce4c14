package io.flotilla.dynamic.internal;

import java.util.Map;

/**
 * What one Java agent's code compiled to, and a class loader of its own for each run: it defines those
 * classes and sees the agent API and the JDK's platform classes, nothing of the node. Dropping a run's
 * loader (its instance released) lets its classes be collected.
 */
final class CompiledClasses {

    private final Map<String, byte[]> classFiles;

    CompiledClasses(Map<String, byte[]> classFiles) {
        this.classFiles = Map.copyOf(classFiles);
    }

    /** Binary names of the top-level classes: where an agent implementation may be. */
    Iterable<String> topLevelNames() {
        return classFiles.keySet().stream().filter(name -> !name.contains("$")).sorted().toList();
    }

    int size() {
        return classFiles.size();
    }

    ClassLoader newLoader(String agent, ClassLoader api) {
        return new Loader(agent, api, classFiles);
    }

    private static final class Loader extends ClassLoader {

        private static final String API_PACKAGE = "io.flotilla.api.";

        private final ClassLoader api;
        private final Map<String, byte[]> classFiles;

        Loader(String agent, ClassLoader api, Map<String, byte[]> classFiles) {
            super("dynamic-agent-" + agent, ClassLoader.getPlatformClassLoader());
            this.api = api;
            this.classFiles = classFiles;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(API_PACKAGE) && name.indexOf('.', API_PACKAGE.length()) < 0) {
                return api.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classFiles.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
