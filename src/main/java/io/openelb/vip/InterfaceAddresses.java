package io.openelb.vip;

import io.openelb.model.IpAddress;
import java.io.IOException;
import java.util.List;

/**
 * Adds and removes virtual addresses on this node's interfaces over rtnetlink (RTM_NEWADDR /
 * RTM_DELADDR), as {@code ip addr add/del} does: IPv4 as /32, IPv6 as /128 without duplicate address
 * detection (usable at once, like keepalived's). Needs CAP_NET_ADMIN. Blocking: call on a worker thread.
 */
public final class InterfaceAddresses {
    private InterfaceAddresses() {}

    /** Adds the address; one that is already there is no error. */
    public static void add(String iface, IpAddress address) throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Removes the address; one that is not there is no error. */
    public static void remove(String iface, IpAddress address) throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The addresses configured on the interface now (both families). */
    public static List<IpAddress> list(String iface) throws IOException {
        throw new UnsupportedOperationException("skeleton");
    }
}
