package io.openelb.vrrp;

import io.openelb.model.IpAddress;

/**
 * Whole Ethernet frames that carry advertisements, for a capture handle: built for sending (IPv4 to
 * 224.0.0.18 with TTL 255, IPv6 to ff02::12 with hop limit 255, IP protocol 112, Ethernet destination the
 * group's multicast MAC, source the interface's MAC) and parsed from captures.
 */
public final class VrrpFrames {
    /** The capture filter (pcap syntax) that lets only VRRP (IP protocol 112) through, both families. */
    public static final String CAPTURE_FILTER = "ip proto 112 or ip6 proto 112";

    private VrrpFrames() {}

    /**
     * A captured advertisement.
     *
     * @param source     the IP source address (the sender's primary address)
     * @param sourceMac  the Ethernet source, 6 bytes
     * @param ttl        IPv4 TTL or IPv6 hop limit as received (RFC 5798 7.1: anything but 255 is dropped)
     */
    public record Captured(IpAddress source, byte[] sourceMac, int ttl, VrrpAdvert advert) {}

    /** The frame for {@code advert} sent from {@code source} (this node's primary address on the interface). */
    public static byte[] advert(VrrpAdvert advert, IpAddress source, byte[] sourceMac) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Parses a captured frame; any frame that is not a valid VRRP v3 advertisement is an exception. */
    public static Captured parse(byte[] frame) throws VrrpFormatException {
        throw new UnsupportedOperationException("skeleton");
    }
}
