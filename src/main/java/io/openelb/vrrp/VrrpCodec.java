package io.openelb.vrrp;

import io.openelb.model.IpAddress;

/**
 * The VRRP v3 message as bytes (RFC 5798 5.2). The checksum covers the IPv4 or IPv6 pseudo-header
 * (5.2.8), so encoding and decoding need the packet's source and destination.
 */
public final class VrrpCodec {
    private VrrpCodec() {}

    /** The message, checksum filled in; {@code source} and {@code destination} are of the addresses' family. */
    public static byte[] encode(VrrpAdvert advert, IpAddress source, IpAddress destination) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Parses and checks version, type, length, address count and family, and the checksum. */
    public static VrrpAdvert decode(byte[] message, IpAddress source, IpAddress destination)
            throws VrrpFormatException {
        throw new UnsupportedOperationException("skeleton");
    }
}
