package io.flotilla.core.internal.runtime;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flotilla.core.internal.store.AgentRecord;

/**
 * What the node's records say about its agents across a restart: at start, each agent comes back
 * as it was left (running, stopped, or failed for good, which is not retried: a refused install
 * stays refused), after the temporary files of writes a kill interrupted are removed; and when an
 * agent fails for good, that is recorded.
 */
final class Restoration {

    private static final Logger LOG = LoggerFactory.getLogger(Restoration.class);

    private final RuntimeEnvironment env;
    private final Map<String, AgentCell> cells;
    private final NameLocks locks;
    private final Function<AgentRecord, AgentCell> cellOf;

    Restoration(RuntimeEnvironment env, Map<String, AgentCell> cells, NameLocks locks,
            Function<AgentRecord, AgentCell> cellOf) {
        this.env = env;
        this.cells = cells;
        this.locks = locks;
        this.cellOf = cellOf;
    }

    void run() {
        int leftovers = env.records().removeLeftovers() + env.states().removeLeftovers();
        if (leftovers > 0) {
            LOG.info("Removed {} temporary files of writes interrupted when the node last stopped", leftovers);
        }
        List<AgentRecord> records = env.records().loadAll(problem -> LOG.error("{}", problem));
        for (AgentRecord record : records) {
            synchronized (locks.of(record.name())) {
                if (cells.containsKey(record.name())) {
                    continue;
                }
                AgentCell cell = cellOf.apply(record);
                cells.put(record.name(), cell);
                Optional<String> refused = record.running() ? env.installer().codeRefusal(record.config()) : Optional.empty();
                if (record.failure() != null) {
                    cell.restoreFailed(record.failure());
                } else if (refused.isPresent()) {
                    LOG.warn("Agent {} is not restored: {}", record.name(), refused.get());
                    cell.restoreFailed("not restored: " + refused.get());
                } else if (record.running()) {
                    cell.start(AgentCell.StartMode.RESTORE);
                } else {
                    cell.stop(null);
                }
            }
        }
        LOG.info("Node {}: restored {} agents ({} to run)", env.nodeName(), records.size(),
                records.stream().filter(record -> record.running() && record.failure() == null).count());
    }

    /** Records that {@code cell} failed for good; the caller holds its name's lock. */
    static void recordFailure(RuntimeEnvironment env, AgentCell cell, String reason) {
        try {
            env.records().save(new AgentRecord(cell.actorId(), cell.config(), false, cell.epoch(), reason));
        } catch (UncheckedIOException e) {
            LOG.warn("Agent {} failed, and that could not be recorded ({}): it starts again when the node restarts",
                    cell.name(), e.getMessage());
        }
    }
}
