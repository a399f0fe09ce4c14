package io.flotilla.core.internal.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.flotilla.api.AgentState;
import io.flotilla.api.Severity;
import io.flotilla.core.internal.exec.Scheduler.Cancellable;
import io.flotilla.runtime.SpawnConfig;

/**
 * Finding the code of one agent's type for a run: the preferred provider now, else installing what
 * the spawn names, else waiting for the type (with a deadline at a start, without one for a type
 * that went away). Also moves a running agent to a better provider that appears, and off one that
 * goes away. A missing type at a new spawn is fatal at once. Confined to the agent's serial context.
 */
final class TypeResolution {

    /**
     * The phase of an agent whose type cannot be loaded: no bundle provides it, its bundle does not
     * install, or no instance can be made. Wactorz calls code that does not load {@code compile}.
     */
    static final String COMPILE_PHASE = "compile";

    private final AgentCell cell;
    private final SpawnConfig config;
    private final RuntimeEnvironment env;

    private boolean installed;
    private boolean waiting;
    private Cancellable deadline = Cancellable.NONE;

    TypeResolution(AgentCell cell, SpawnConfig config, RuntimeEnvironment env) {
        this.cell = cell;
        this.config = config;
        this.env = env;
    }

    /** An operator restart: the next spawn installs again what its config names. */
    void forgetInstall() {
        installed = false;
    }

    /** Stops waiting for the type, deadline and all. */
    void cancelWait() {
        waiting = false;
        deadline.cancel();
    }

    /** Finds the type for the run that {@code mode} begins, and launches it, or installs or waits. */
    void resolve(AgentCell.StartMode mode) {
        waiting = false;
        AgentFactory available = preferred();
        // A pinned bundle is checked even when its type is here already: the pin names the code to run
        boolean pinUnchecked = !installed && config.sha256().isPresent() && config.bundle().isPresent();
        if (available != null && !pinUnchecked) {
            cell.launch(available);
        } else if (pinUnchecked) {
            install(mode);
        } else if (mode == AgentCell.StartMode.RESTART) {
            await(null, "its type went away");
        } else if (!installed && needsInstall()) {
            install(mode);
        } else if (mode == AgentCell.StartMode.RESTORE) {
            await(env.bootTypeWait(), "restored at node start");
        } else {
            cell.supervisor().giveUp(COMPILE_PHASE, "no installed bundle provides agent type '" + config.type() + "' (available: "
                    + String.join(", ", cell.system().typeRegistry().types()) + "); name a 'bundle' to install it");
        }
    }

    private AgentFactory preferred() {
        return cell.system().typeRegistry().lookup(config.type()).orElse(null);
    }

    private boolean needsInstall() {
        return config.bundle().isPresent() || !config.install().isEmpty();
    }

    private void install(AgentCell.StartMode mode) {
        installed = true;
        List<String> locations = new ArrayList<>(config.install());
        config.bundle().ifPresent(locations::add);
        cell.status().setState(AgentState.STARTING, "installing " + String.join(", ", locations));
        int forRun = cell.run().number();
        env.installer().install(config).whenComplete((ignored, failure) -> cell.signal(() -> {
            if (forRun != cell.run().number() || cell.status().state() != AgentState.STARTING) {
                return;
            }
            if (failure != null) {
                cell.supervisor().giveUp(COMPILE_PHASE, "could not install " + String.join(", ", locations) + ": "
                        + Failures.rootMessage(failure));
                return;
            }
            AgentFactory available = preferred();
            if (available != null) {
                cell.launch(available);
            } else {
                Duration limit = mode == AgentCell.StartMode.RESTORE ? max(env.bootTypeWait(), config.installTimeout())
                        : config.installTimeout();
                await(limit, "installed " + String.join(", ", locations));
            }
        }));
    }

    /** Waits for the type; with a limit, not appearing in time is fatal. */
    private void await(Duration limit, String why) {
        waiting = true;
        // Waiting at a start is still starting; waiting for a type that went away is its own state.
        cell.status().setState(limit != null ? AgentState.STARTING : AgentState.WAITING,
                "waiting for type '" + config.type() + "' (" + why + ")");
        deadline.cancel();
        if (limit != null) {
            int forRun = cell.run().number();
            deadline = env.scheduler().schedule(limit, () -> cell.signal(() -> {
                if (forRun == cell.run().number() && waiting) {
                    waiting = false;
                    cell.supervisor().giveUp(COMPILE_PHASE, "agent type '" + config.type() + "' did not appear within "
                            + Failures.seconds(limit) + " s (" + why + ")");
                }
            }));
        }
    }

    /** A provider of the type appeared: the agent starts on it, or moves to it when it is preferred. */
    void added(AgentFactory added) {
        if (preferred() != added) {
            return;
        }
        AgentFactory current = cell.run().factory();
        if (waiting) {
            deadline.cancel();
            cell.launch(added);
        } else if (cell.status().state() == AgentState.RUNNING && current != null && current != added) {
            cell.status().recordLog(Severity.INFO, "moving to " + added.provider() + " (was " + current.provider() + ")");
            cell.run().end();
            cell.run().next();
            cell.launch(added);
        }
    }

    /** The provider is going away: the agent moves to another provider, or waits for the type. */
    void removing(AgentFactory removed) {
        if (cell.run().factory() != removed) {
            return;
        }
        cell.run().end();
        cell.run().next();
        AgentFactory other = cell.system().typeRegistry().lookup(config.type()).filter(f -> f != removed).orElse(null);
        if (other != null) {
            cell.launch(other);
        } else {
            await(null, "its bundle " + removed.provider() + " went away");
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
