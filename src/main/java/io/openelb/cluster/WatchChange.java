package io.openelb.cluster;

/** What a watch event did to an object. */
public enum WatchChange {
    ADDED,
    UPDATED,
    DELETED
}
