package io.openelb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openelb.cluster.WatchChange;
import io.openelb.cluster.ResourceKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Meters of the Kubernetes edge: watch events by kind and change, and whether the informers synced. */
public final class KubeMetrics {
    private final Map<ResourceKind, Map<WatchChange, Counter>> watchEvents =
            new EnumMap<>(ResourceKind.class);
    private final AtomicInteger informersSynced = new AtomicInteger();

    public KubeMetrics(MeterRegistry registry) {
        for (ResourceKind kind : ResourceKind.values()) {
            Map<WatchChange, Counter> byChange = new EnumMap<>(WatchChange.class);
            for (WatchChange change : WatchChange.values()) {
                byChange.put(change, Counter.builder("openelb_kube_watch_events")
                        .description("Watch events received from the Kubernetes API, by resource and change")
                        .tag("resource", kind.plural())
                        .tag("change", change.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry));
            }
            watchEvents.put(kind, byChange);
        }
        Gauge.builder("openelb_kube_informers_synced", informersSynced, AtomicInteger::get)
                .description("1 once every informer of this process has its initial list, else 0")
                .strongReference(true).register(registry);
    }

    /** Thread-safe; called from informer threads. */
    public void watchEvent(ResourceKind kind, WatchChange change) {
        watchEvents.get(kind).get(change).increment();
    }

    public void informersSynced() {
        informersSynced.set(1);
    }
}
