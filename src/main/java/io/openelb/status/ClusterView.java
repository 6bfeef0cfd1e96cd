package io.openelb.status;

import java.time.Instant;
import java.util.List;

/** Pools and Services as this process's informer caches saw them at {@code computedAt}. */
public record ClusterView(List<PoolView> pools, List<ServiceView> services, Instant computedAt) {
    public ClusterView {
        pools = List.copyOf(pools);
        services = List.copyOf(services);
    }

    public static ClusterView empty() {
        return new ClusterView(List.of(), List.of(), null);
    }
}
