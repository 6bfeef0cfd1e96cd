package io.openelb.bus;

import io.openelb.cluster.ClusterSnapshot;

/**
 * The watched objects changed: here is all of them, converted once. Published by the watcher; each
 * consumer derives its decision from the snapshot alone (level-triggered) and may skip snapshots that
 * arrive while it is busy: the newest one holds every change.
 */
public record ClusterChanged(ClusterSnapshot snapshot) implements BusMessage {}
