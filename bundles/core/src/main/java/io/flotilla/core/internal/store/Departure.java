package io.flotilla.core.internal.store;

/**
 * What a node keeps of an agent that migrated away: enough to say where it went, so that the node's
 * own declarations of the agent do not start it a second time.
 *
 * @param name    the agent
 * @param actorId its stable id
 * @param type    its type
 * @param epoch   the epoch it left with
 * @param node    the node it went to (it may have moved on since)
 */
public record Departure(String name, String actorId, String type, long epoch, String node) {
}
