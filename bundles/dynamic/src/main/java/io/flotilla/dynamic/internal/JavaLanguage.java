package io.flotilla.dynamic.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.eclipse.jdt.internal.compiler.tool.EclipseCompiler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.api.Agent;
import io.flotilla.api.AgentConfig;
import io.flotilla.api.CompileException;
import io.flotilla.util.Hashes;

/**
 * Java agents from source: compiled with the JDK's compiler, or on a JRE with Eclipse's (both through
 * javax.tools), into memory, against the
 * agent API only, and run from a class loader of each run's own. What the code compiled to is kept
 * by its sha256 for the agents that restart on it, a few at a time; the classes are defined afresh
 * for every run, so a stopped or replaced agent's classes go with its instance.
 */
@Component(service = JavaLanguage.class, configurationPid = DynamicConfig.PID)
public final class JavaLanguage implements SourceLanguage {

    private static final Logger LOG = LoggerFactory.getLogger(JavaLanguage.class);
    /** Compiled codes kept for restarts; a class file map of a small agent is a few KiB. */
    private static final int KEPT_COMPILATIONS = 64;

    private final JavaCompiler compiler;
    /** Compilations at a time: each takes a core and tens of MiB, and a flood of spawns must not take all. */
    private final Semaphore compiling = new Semaphore(2);
    private final Map<String, CompiledClasses> compiled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompiledClasses> eldest) {
            return size() > KEPT_COMPILATIONS;
        }
    };
    private ApiClassFiles api;

    @Activate
    public JavaLanguage(DynamicConfig config) {
        this(chosen(config.java_compiler().trim()));
    }

    /** The JDK's compiler, or Eclipse's where the node runs on a JRE: the launcher's self-test. */
    public JavaLanguage() {
        this(chosen("auto"));
    }

    JavaLanguage(JavaCompiler compiler) {
        this.compiler = compiler;
        LOG.info("Java agents from source compile with {}", compiler.getClass().getName().startsWith("org.eclipse.") ? "Eclipse's compiler (ECJ)"
                : "the JDK's compiler");
    }

    private static JavaCompiler chosen(String setting) {
        JavaCompiler jdk = ToolProvider.getSystemJavaCompiler();
        switch (setting) {
            case "jdk":
                if (jdk == null) {
                    throw new IllegalStateException("java.compiler = jdk, and this Java (" + System.getProperty("java.home")
                            + ") has no compiler: install a JDK, or set java.compiler = auto");
                }
                return jdk;
            case "eclipse":
                return new EclipseCompiler();
            case "auto":
                return jdk != null ? jdk : new EclipseCompiler();
            default:
                throw new IllegalArgumentException("java.compiler of " + DynamicConfig.PID + " is auto, jdk or eclipse, not '"
                        + setting + "'");
        }
    }

    @Override
    public Agent agentFor(AgentConfig config) throws CompileException {
        String code = config.code().orElseThrow(() -> new IllegalArgumentException("agent " + config.name() + " has no code"));
        CompiledClasses classes = classesOf(config.name(), code);
        return instantiate(config.name(), classes.newLoader(config.name(), Agent.class.getClassLoader()), classes);
    }

    private CompiledClasses classesOf(String agent, String code) throws CompileException {
        String sha256 = Hashes.sha256(code.getBytes(StandardCharsets.UTF_8));
        synchronized (compiled) {
            CompiledClasses known = compiled.get(sha256);
            if (known != null) {
                return known;
            }
        }
        long started = System.nanoTime();
        CompiledClasses classes;
        compiling.acquireUninterruptibly();
        try {
            classes = JavaCompilation.compile(compiler, api(), agent, JavaSource.of(code));
        } finally {
            compiling.release();
        }
        LOG.debug("Compiled agent {} ({} classes) in {} ms", agent, classes.size(), (System.nanoTime() - started) / 1_000_000);
        synchronized (compiled) {
            compiled.put(sha256, classes);
        }
        return classes;
    }

    private synchronized ApiClassFiles api() {
        if (api == null) {
            api = ApiClassFiles.load();
        }
        return api;
    }

    /** The one concrete top-level class that implements {@link Agent}, made with its public no-argument constructor. */
    private static Agent instantiate(String agent, ClassLoader loader, CompiledClasses classes) throws CompileException {
        List<Class<?>> agents = new ArrayList<>();
        for (String name : classes.topLevelNames()) {
            Class<?> type;
            try {
                type = loader.loadClass(name);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new CompileException("class " + name + " does not load: " + e, List.of(String.valueOf(e)));
            }
            if (Agent.class.isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
                agents.add(type);
            }
        }
        if (agents.size() != 1) {
            String problem = agents.isEmpty() ? "no class implements " + Agent.class.getName()
                    : agents.size() + " classes implement " + Agent.class.getName() + ": " + agents;
            throw new CompileException(problem, List.of(problem));
        }
        try {
            Constructor<?> constructor = agents.get(0).getDeclaredConstructor();
            constructor.setAccessible(true); // the author may leave a class of their own package-private
            return (Agent) constructor.newInstance();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            String problem = agents.get(0).getName() + " needs a constructor without arguments";
            throw new CompileException(problem, List.of(problem));
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the constructor of agent " + agent + " threw " + e.getCause(), e.getCause());
        } catch (InstantiationException e) {
            throw new IllegalStateException("agent " + agent + " cannot be instantiated: " + e.getMessage(), e);
        }
    }
}
