package io.flotilla.runtime;

import java.util.Map;

/**
 * The result of a command sent to a node.
 *
 * @param node    the node that ran it
 * @param success whether it did what was asked
 * @param error   why not, or null
 * @param fields  the rest of the node's answer (agent, state, outcome, ...)
 */
public record CommandResult(String node, boolean success, String error, Map<String, Object> fields) {
}
