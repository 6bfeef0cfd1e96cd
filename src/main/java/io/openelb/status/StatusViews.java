package io.openelb.status;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import io.openelb.model.PoolUsage;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pools and Services for the API, from the pools and the addresses in the Services' status. A pool's size,
 * first and last address, used and free follow {@link PoolUsage}, as the Eip status and the metrics do. Pure.
 */
public final class StatusViews {
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private StatusViews() {}

    /**
     * @param announcers address to the nodes announcing it over BGP, or null when unknown in this process
     */
    public static ClusterView of(PoolSet pools, Collection<ServiceAddresses> services,
            Map<IpAddress, SortedSet<String>> announcers, Instant now) {
        Map<String, TreeMap<IpAddress, SortedSet<String>>> held = new TreeMap<>();
        pools.pools().forEach(p -> held.put(p.name(), new TreeMap<>()));
        List<ServiceView> serviceViews = new ArrayList<>();
        for (ServiceAddresses service : services) {
            for (IpAddress address : service.addresses()) {
                Optional<Pool> pool = pools.pools().stream().filter(p -> p.range().contains(address)).findFirst();
                pool.ifPresent(p -> held.get(p.name()).computeIfAbsent(address, a -> new TreeSet<>())
                        .add(service.service()));
                List<String> nodes = announcers == null ? null
                        : List.copyOf(announcers.getOrDefault(address, new TreeSet<>()));
                serviceViews.add(new ServiceView(service.service(), address.toString(),
                        pool.map(Pool::name).orElse(""), service.protocols(), nodes));
            }
        }
        serviceViews.sort(java.util.Comparator.comparing(ServiceView::service).thenComparing(ServiceView::ip));
        List<PoolView> poolViews = new ArrayList<>();
        for (Pool pool : pools.pools()) {
            List<AllocationView> allocations = new ArrayList<>();
            held.get(pool.name()).forEach((address, holders) ->
                    allocations.add(new AllocationView(address.toString(), List.copyOf(holders))));
            PoolUsage usage = PoolUsage.of(pool, held.get(pool.name()));
            poolViews.add(new PoolView(pool.name(), pool.family().name().toLowerCase(Locale.ROOT),
                    pool.protocol().name().toLowerCase(Locale.ROOT), pool.firstUsable().toString(),
                    pool.lastUsable().toString(), usage.size().min(LONG_MAX).longValue(), usage.used(),
                    usage.free().min(LONG_MAX).longValue(), pool.disabled(), null, allocations));
        }
        pools.invalid().forEach((name, why) ->
                poolViews.add(new PoolView(name, "", "", "", "", 0, 0, 0, false, why, List.of())));
        poolViews.sort(java.util.Comparator.comparing(PoolView::name));
        return new ClusterView(poolViews, serviceViews, now);
    }
}
