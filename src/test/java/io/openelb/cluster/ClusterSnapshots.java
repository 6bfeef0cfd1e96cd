package io.openelb.cluster;

import java.util.EnumSet;

/** Snapshots for tests of the snapshots' consumers. */
public final class ClusterSnapshots {
    private ClusterSnapshots() {}

    /** Every informer has listed an empty cluster. */
    public static ClusterSnapshot synced() {
        return new SnapshotBuilder(EnumSet.allOf(ResourceKind.class)).snapshot(true);
    }
}
