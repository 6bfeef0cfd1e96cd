package io.openelb.bus;

/** Every event-bus address of the process. Names read as facts (something happened) or commands. */
public final class Addresses {
    /** {@link InformersSynced}: every informer of this role has its initial list. Published once. */
    public static final String INFORMERS_SYNCED = "openelb.kube.informers-synced";
    /** {@link ResourceChanged}: a watched object was added, updated or deleted. Published. */
    public static final String RESOURCE_CHANGED = "openelb.kube.resource-changed";

    /** {@link ReadinessChanged}: a component can or cannot work now. Published. */
    public static final String READINESS_CHANGED = "openelb.readiness-changed";

    private Addresses() {}
}
