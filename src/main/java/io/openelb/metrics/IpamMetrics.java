package io.openelb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.openelb.ipam.AllocationError;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Meters of the controller: pool fill per pool and family, allocations, failures by reason, reconciles. */
public final class IpamMetrics {
    private final MeterRegistry registry;
    private final Timer reconcileOk;
    private final Timer reconcileFailed;
    private final Counter apiWriteErrors;
    private final Map<String, PoolGauges> pools = new ConcurrentHashMap<>();

    private final AtomicLong invalidPools = new AtomicLong();

    private record PoolGauges(AtomicLong size, AtomicLong used, AtomicLong services) {}

    public IpamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.reconcileOk = reconcileTimer(registry, "success");
        this.reconcileFailed = reconcileTimer(registry, "error");
        this.apiWriteErrors = Counter.builder("openelb_kube_api_write_errors")
                .description("Writes to the Kubernetes API that failed and were retried")
                .register(registry);
        Gauge.builder("openelb_config_invalid", invalidPools, AtomicLong::get)
                .description("Objects of this kind that are invalid and not used (see their status and Events)")
                .tag("kind", "eips").strongReference(true).register(registry);
    }

    /** How many Eips are invalid now. */
    public void invalidPools(int count) {
        invalidPools.set(count);
    }

    private static Timer reconcileTimer(MeterRegistry registry, String result) {
        return Timer.builder("openelb_reconcile_duration")
                .description("Time to reconcile one Service, decision and writes")
                .tag("controller", "ipam")
                .tag("result", result)
                .publishPercentileHistogram()
                .register(registry);
    }

    public void reconciled(long nanos, boolean ok) {
        (ok ? reconcileOk : reconcileFailed).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void apiWriteError() {
        apiWriteErrors.increment();
    }

    public void allocated(String pool) {
        Counter.builder("openelb_ipam_allocations")
                .description("Addresses handed out, by pool")
                .tag("pool", pool)
                .register(registry)
                .increment();
    }

    public void allocationFailed(AllocationError.Reason reason) {
        Counter.builder("openelb_ipam_allocation_failures")
                .description("Services that could not get an address, by reason")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    /** Forgets the gauges of pools that no longer exist, so dashboards do not show deleted Eips. */
    public void retainPools(java.util.Set<String> existing) {
        for (String pool : java.util.List.copyOf(pools.keySet())) {
            if (!existing.contains(pool)) {
                pools.remove(pool);
                registry.getMeters().stream()
                        .filter(m -> m.getId().getName().startsWith("openelb_pool_")
                                && pool.equals(m.getId().getTag("pool")))
                        .forEach(registry::remove);
            }
        }
    }

    /** Latest size, fill and Services of a pool; {@code v4} null when the pool is invalid. */
    public void poolUsage(String pool, Boolean v4, Long size, Long used, long services) {
        PoolGauges gauges = pools.computeIfAbsent(pool, name -> {
            String family = v4 == null ? "unknown" : v4 ? "ipv4" : "ipv6";
            PoolGauges g = new PoolGauges(new AtomicLong(), new AtomicLong(), new AtomicLong());
            Gauge.builder("openelb_pool_addresses", g.size(), AtomicLong::get)
                    .description("Addresses a pool hands out").tag("pool", name).tag("family", family)
                    .strongReference(true).register(registry);
            Gauge.builder("openelb_pool_addresses_in_use", g.used(), AtomicLong::get)
                    .description("Addresses of a pool held by Services").tag("pool", name).tag("family", family)
                    .strongReference(true).register(registry);
            Gauge.builder("openelb_pool_services", g.services(), AtomicLong::get)
                    .description("Services holding an address of a pool").tag("pool", name)
                    .strongReference(true).register(registry);
            return g;
        });
        gauges.size().set(Objects.requireNonNullElse(size, 0L));
        gauges.used().set(Objects.requireNonNullElse(used, 0L));
        gauges.services().set(services);
    }
}
