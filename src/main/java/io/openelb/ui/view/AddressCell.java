package io.openelb.ui.view;

import java.util.List;

/**
 * One address of a pool's map.
 *
 * @param services {@code namespace/name} of the Services holding it (several when shared) or asking for it
 */
public record AddressCell(String ip, State state, List<String> services) {
    public enum State {
        /** Nobody holds or asks for it; the allocator may hand it out. */
        FREE,
        /** In a Service's status. */
        USED,
        /** Never handed out: an IPv4 CIDR's network or broadcast address (unless the pool allows them). */
        RESERVED,
        /** A Service asks for it and does not hold it (yet). */
        REQUESTED
    }

    public AddressCell {
        services = List.copyOf(services);
    }
}
