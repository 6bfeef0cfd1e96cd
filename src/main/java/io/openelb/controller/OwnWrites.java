package io.openelb.controller;

import io.openelb.ipam.ServiceKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The resourceVersions of Services that the controller's own writes replaced. A reconcile that reads one
 * looks at the Service as it was before our last write (the watch has not delivered that write yet): it
 * waits for the watch instead of writing at that version, which could only fail with 409 Conflict. In a
 * burst of thousands of Services most reconciles ran on such views, and each conflict cost a write, a
 * retry a second later and a WARN line. Pure; the controller's event loop only.
 */
final class OwnWrites {
    private final Map<ServiceKey, Set<String>> replaced = new HashMap<>();

    /** Our write moved the Service from version {@code from} to {@code to}. */
    void written(ServiceKey service, String from, String to) {
        if (from != null && !from.equals(to)) {
            replaced.computeIfAbsent(service, k -> new HashSet<>()).add(from);
        }
    }

    /**
     * Whether this version of the Service is one our writes replaced. Any other version (ours, or a later
     * one by anyone) means the view caught up, and the Service is forgotten.
     */
    boolean replacedVersion(ServiceKey service, String resourceVersion) {
        Set<String> versions = replaced.get(service);
        if (versions == null) {
            return false;
        }
        if (versions.contains(resourceVersion)) {
            return true;
        }
        replaced.remove(service);
        return false;
    }

    void forget(ServiceKey service) {
        replaced.remove(service);
    }
}
