package io.openelb.ui.view;

import java.math.BigInteger;
import java.util.List;

/**
 * The address map of one pool.
 *
 * @param family   {@code IPv4} or {@code IPv6}; null when the address does not parse
 * @param size     addresses the pool hands out (an IPv6 /64 is 2^64)
 * @param complete true when {@code cells} lists every address of the pool; false for pools larger than
 *                 {@link PoolMaps#MAX_CELLS}, where only the used, requested and reserved ones are listed
 * @param cells    in address order
 * @param services every Service holding an address of this pool, {@code namespace/name}, sorted
 */
public record PoolMap(String pool, String family, BigInteger size, long used, BigInteger free, boolean complete,
        List<AddressCell> cells, List<String> services) {

    public PoolMap {
        cells = List.copyOf(cells);
        services = List.copyOf(services);
    }
}
