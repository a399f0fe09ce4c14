package io.flotilla.migration.internal;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import io.flotilla.runtime.MigrationResult;

/**
 * A {@code migrate} command that came from the broker. It moves an agent of this node like any
 * other; one for an agent elsewhere is passed on to the node that holds it as this node's own
 * message, unsigned: the node never lends its operator's key ({@code operator.key}) to whoever
 * published the command. A node in {@code signed} mode then refuses it, and the operator sends the
 * signed command to the holder ({@code bin/flotilla ctl migrate} finds it).
 */
interface MigrationOrders {

    CompletionStage<MigrationResult> migrateFromBroker(String agent, String targetNode, Duration timeout);
}
