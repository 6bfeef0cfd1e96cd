package io.openelb.bus;

/** Asks the watcher for its newest snapshot (a {@link ClusterChanged} reply). */
public record CurrentSnapshot() implements BusMessage {}
