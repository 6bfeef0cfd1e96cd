package io.openelb.bus;

/**
 * A watched object changed. Carries the key, not the object: consumers read the current state from the
 * informer caches (level-triggered), so a burst of changes needs only one reconcile.
 *
 * @param namespace empty for cluster-scoped kinds
 */
public record ResourceChanged(ResourceKind kind, Change change, String namespace, String name)
        implements BusMessage {

    /** What happened to the object. */
    public enum Change {
        ADDED,
        UPDATED,
        DELETED
    }
}
