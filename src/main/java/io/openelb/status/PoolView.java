package io.openelb.status;

import java.util.List;

/**
 * One Eip as the API shows it.
 *
 * @param family      ipv4, ipv6, or "" for an invalid Eip
 * @param protocol    bgp or layer2 ("" when invalid)
 * @param firstIp     first address the pool hands out ("" when invalid)
 * @param lastIp      last address the pool hands out ("" when invalid)
 * @param size        addresses the pool hands out (capped at 2^63-1 for huge IPv6 pools)
 * @param used        distinct addresses of the pool's range held by Services, handed out or not (as
 *                    {@link io.openelb.model.PoolUsage} defines it, like the Eip's {@code status.usage})
 * @param free        addresses the pool hands out that nobody holds
 * @param invalid     why the Eip is not used, or null when it is valid
 * @param allocations the held addresses, in address order
 */
public record PoolView(String name, String family, String protocol, String firstIp, String lastIp, long size,
        long used, long free, boolean disabled, String invalid, List<AllocationView> allocations) {
    public PoolView {
        allocations = List.copyOf(allocations);
    }
}
