package io.openelb.model;

import java.math.BigInteger;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How full a pool is: the one definition behind the Eip's status ({@code poolSize}, {@code firstIP},
 * {@code lastIP}, {@code usage}, {@code used}, {@code occupied}), the metrics {@code openelb_pool_addresses},
 * {@code openelb_pool_addresses_in_use} and {@code openelb_pool_services}, and the pools API.
 *
 * <ul>
 *   <li>The size, first and last address describe what the pool hands out: {@link Pool#firstUsable()} to
 *       {@link Pool#lastUsable()}, its range less an IPv4 CIDR's network and broadcast address unless the Eip
 *       allows them.</li>
 *   <li>Used counts every distinct address of the pool's range that a Service holds, handed out or not: a
 *       Service that OpenELB gave the network or broadcast address keeps it, and it counts. So used is the
 *       number of addresses {@code status.used} lists, and releasing any holder lowers it. An address outside
 *       the range (the Eip shrank) counts in no pool.</li>
 *   <li>Free counts the addresses the pool hands out that nobody holds; the pool is full when none is left.
 *       Used plus free exceeds the size by the held addresses the pool no longer hands out.</li>
 * </ul>
 *
 * <p>An immutable value, counted wherever a figure is shown: on the controller's event loop (status, metrics)
 * and wherever the pools API is computed.
 *
 * @param services Services holding an address that counts as used
 */
public record PoolUsage(String pool, BigInteger size, long used, BigInteger free, long services) {

    /**
     * @param holders held addresses to who holds each (anything with equality: Service keys, names); addresses
     *                outside the pool's range are left out
     */
    public static PoolUsage of(Pool pool, Map<IpAddress, ? extends Collection<?>> holders) {
        long used = 0;
        long heldUsable = 0;
        Set<Object> services = new HashSet<>();
        for (Map.Entry<IpAddress, ? extends Collection<?>> held : holders.entrySet()) {
            if (pool.range().contains(held.getKey()) && !held.getValue().isEmpty()) {
                used++;
                heldUsable += pool.usable(held.getKey()) ? 1 : 0;
                services.addAll(held.getValue());
            }
        }
        BigInteger free = pool.size().subtract(BigInteger.valueOf(heldUsable)).max(BigInteger.ZERO);
        return new PoolUsage(pool.name(), pool.size(), used, free, services.size());
    }

    /** No address left to hand out. */
    public boolean full() {
        return free.signum() == 0;
    }
}
