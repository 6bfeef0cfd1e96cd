package io.openelb.bus;

/** Every event-bus address of the process. Names read as facts (something happened) or commands. */
public final class Addresses {
    /** {@link ClusterChanged}: a new snapshot of the watched objects. Published on every change. */
    public static final String CLUSTER_CHANGED = "openelb.cluster.changed";
    /**
     * Request with any body (use {@link CurrentSnapshot}), reply {@link ClusterChanged} with the newest snapshot:
     * for a consumer that starts after the watcher.
     */
    public static final String CURRENT_SNAPSHOT = "openelb.cluster.current";

    /** {@link ReadinessChanged}: a component can or cannot work now. Published. */
    public static final String READINESS_CHANGED = "openelb.readiness-changed";

    private Addresses() {}
}
