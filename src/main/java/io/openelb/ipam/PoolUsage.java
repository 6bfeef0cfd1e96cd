package io.openelb.ipam;

import java.math.BigInteger;

/**
 * How full a pool is.
 *
 * @param size     addresses the allocator may hand out
 * @param used     distinct addresses held by at least one Service
 * @param services Services holding an address of the pool
 */
public record PoolUsage(String pool, BigInteger size, long used, long services) {
    public boolean full() {
        return size.compareTo(BigInteger.valueOf(used)) <= 0;
    }
}
