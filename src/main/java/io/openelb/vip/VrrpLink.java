package io.openelb.vip;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpAdvert;
import io.openelb.vrrp.VrrpFrames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * One interface's VRRP traffic: a capture handle (pcap) that receives the advertisements of both
 * families sent by others (never this node's own) and sends this node's advertisements and its gratuitous
 * ARP / unsolicited Neighbor Advertisements. Joins 224.0.0.18 and ff02::12 on the interface so that the
 * NIC lets the groups' frames in.
 *
 * <p>Threads: {@link #open} and every method may be called from a Vert.x context; blocking work runs on
 * a worker, and {@code onAdvert} is called on the context that called {@link #open}.
 */
public final class VrrpLink {
    /** Opens the link on {@code iface}; fails with a message naming the interface when it cannot. */
    public static Future<VrrpLink> open(Vertx vertx, String iface, Consumer<VrrpFrames.Captured> onAdvert) {
        throw new UnsupportedOperationException("skeleton");
    }

    public String iface() {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * This node's source address for the family on the interface, read again on each call (addresses
     * change): IPv4 the first IPv4 address, IPv6 the link-local one (RFC 5798 5.1.2.1); null when none.
     */
    public IpAddress primary(IpFamily family) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Whether the interface is up (administratively and with carrier), read again on each call. */
    public boolean up() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Sends one advertisement from {@link #primary} of the advertisement's family. */
    public Future<Void> send(VrrpAdvert advert) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Sends one gratuitous ARP (IPv4) or unsolicited Neighbor Advertisement (IPv6) for the address. */
    public Future<Void> announce(IpAddress address) {
        throw new UnsupportedOperationException("skeleton");
    }

    public Future<Void> close() {
        throw new UnsupportedOperationException("skeleton");
    }
}
