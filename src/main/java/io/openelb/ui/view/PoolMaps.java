package io.openelb.ui.view;

import java.util.List;

/** Builds the address map of a pool from its spec and the Services. Pure. */
public final class PoolMaps {
    /** Pools up to this many addresses are drawn whole; larger ones list only what is not free. */
    public static final int MAX_CELLS = 1024;

    private PoolMaps() {}

    /** The map of {@code eip}; Services of other pools are ignored. */
    public static PoolMap of(EipInput eip, List<ServiceInput> services) {
        throw new UnsupportedOperationException("not yet");
    }
}
