package io.openelb.bgp.codec;

import java.util.Comparator;

/**
 * A large community (RFC 8092): three unsigned 32-bit numbers, written {@code global:local1:local2}; the
 * global administrator is usually an AS number.
 */
public record LargeCommunity(long global, long local1, long local2) implements Comparable<LargeCommunity> {
    private static final long MAX = 0xFFFF_FFFFL;
    private static final Comparator<LargeCommunity> ORDER = Comparator.comparingLong(LargeCommunity::global)
            .thenComparingLong(LargeCommunity::local1).thenComparingLong(LargeCommunity::local2);

    public LargeCommunity {
        if (global < 0 || global > MAX || local1 < 0 || local1 > MAX || local2 < 0 || local2 > MAX) {
            throw new IllegalArgumentException("each part of a large community is 0 to " + MAX);
        }
    }

    @Override
    public int compareTo(LargeCommunity other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return global + ":" + local1 + ":" + local2;
    }
}
