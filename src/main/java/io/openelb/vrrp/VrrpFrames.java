package io.openelb.vrrp;

import static io.openelb.vrrp.VrrpCodec.put16;
import static io.openelb.vrrp.VrrpCodec.u16;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.Arrays;

/**
 * Whole Ethernet frames that carry advertisements, for a capture handle: built for sending (IPv4 to
 * 224.0.0.18 with TTL 255, IPv6 to ff02::12 with hop limit 255, IP protocol 112, Ethernet destination the
 * group's multicast MAC, source the interface's MAC) and parsed from captures. Pure and stateless; any
 * thread.
 */
public final class VrrpFrames {
    /** The capture filter (pcap syntax) that lets only VRRP (IP protocol 112) through, both families. */
    public static final String CAPTURE_FILTER = "ip proto 112 or ip6 proto 112";
    /** RFC 5798 5.1.1.2, 5.1.2.2: where advertisements go. */
    public static final IpAddress GROUP_V4 = IpAddress.parse("224.0.0.18");
    public static final IpAddress GROUP_V6 = IpAddress.parse("ff02::12");
    /** RFC 5798 5.1.1.3, 5.1.2.3: TTL / hop limit 255, so a receiver knows the sender is on the link. */
    static final int TTL = 255;
    /** DSCP CS6 (network control) in the TOS / traffic class byte, as keepalived sends. */
    static final int NETWORK_CONTROL = 0xc0;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERNET_HEADER = 14;
    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
    /** Ethernet frames shorter than this are padded (IEEE 802.3 minimum without FCS). */
    static final int MIN_FRAME = 60;
    /** RFC 1112 6.4 and RFC 2464 7: the group address's low bytes under 01:00:5e and 33:33. */
    private static final byte[] GROUP_MAC_V4 = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};
    private static final byte[] GROUP_MAC_V6 = {0x33, 0x33, 0x00, 0x00, 0x00, 0x12};

    private VrrpFrames() {}

    /**
     * A captured advertisement.
     *
     * @param source     the IP source address (the sender's primary address)
     * @param sourceMac  the Ethernet source, 6 bytes
     * @param ttl        IPv4 TTL or IPv6 hop limit as received (RFC 5798 7.1: anything but 255 is dropped)
     */
    public record Captured(IpAddress source, byte[] sourceMac, int ttl, VrrpAdvert advert) {}

    /** The group address advertisements of {@code family} go to. */
    public static IpAddress group(IpFamily family) {
        return family == IpFamily.IPV4 ? GROUP_V4 : GROUP_V6;
    }

    /** The frame for {@code advert} sent from {@code source} (this node's primary address on the interface). */
    public static byte[] advert(VrrpAdvert advert, IpAddress source, byte[] sourceMac) {
        if (sourceMac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + sourceMac.length);
        }
        boolean v4 = advert.family() == IpFamily.IPV4;
        byte[] message = VrrpCodec.encode(advert, source, group(advert.family()));
        int ipHeader = v4 ? IPV4_HEADER : IPV6_HEADER;
        byte[] f = new byte[Math.max(MIN_FRAME, ETHERNET_HEADER + ipHeader + message.length)];
        System.arraycopy(v4 ? GROUP_MAC_V4 : GROUP_MAC_V6, 0, f, 0, 6);
        System.arraycopy(sourceMac, 0, f, 6, 6);
        put16(f, 12, v4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
        if (v4) {
            ipv4Header(f, ETHERNET_HEADER, source, message.length);
        } else {
            ipv6Header(f, ETHERNET_HEADER, source, message.length);
        }
        System.arraycopy(message, 0, f, ETHERNET_HEADER + ipHeader, message.length);
        return f;
    }

    /** RFC 791 3.1 without options: identification 0 and no fragmentation, as the message is small. */
    private static void ipv4Header(byte[] f, int at, IpAddress source, int payload) {
        f[at] = 0x45; // version 4, IHL 5
        f[at + 1] = (byte) NETWORK_CONTROL;
        put16(f, at + 2, IPV4_HEADER + payload);
        f[at + 8] = (byte) TTL;
        f[at + 9] = (byte) VrrpCodec.PROTOCOL;
        System.arraycopy(source.toBytes(), 0, f, at + 12, 4);
        System.arraycopy(GROUP_V4.toBytes(), 0, f, at + 16, 4);
        put16(f, at + 10, headerChecksum(f, at, IPV4_HEADER));
    }

    /** RFC 8200 3: traffic class network control, flow label 0, no extension headers. */
    private static void ipv6Header(byte[] f, int at, IpAddress source, int payload) {
        f[at] = (byte) (0x60 | NETWORK_CONTROL >> 4);
        f[at + 1] = (byte) ((NETWORK_CONTROL & 0x0f) << 4);
        put16(f, at + 4, payload);
        f[at + 6] = (byte) VrrpCodec.PROTOCOL;
        f[at + 7] = (byte) TTL;
        System.arraycopy(source.toBytes(), 0, f, at + 8, 16);
        System.arraycopy(GROUP_V6.toBytes(), 0, f, at + 24, 16);
    }

    /** RFC 791: the one's complement of the one's complement sum of the header, its checksum taken as zero. */
    static int headerChecksum(byte[] f, int at, int length) {
        long sum = VrrpCodec.sumWords(Arrays.copyOfRange(f, at, at + length)) - u16(f, at + 10);
        return (int) (~VrrpCodec.fold(sum) & 0xffff);
    }

    /**
     * Parses a captured frame: Ethernet II, at most one 802.1Q tag, IPv4 (options skipped, not fragmented)
     * or IPv6 without extension headers, IP protocol 112 to the VRRP group; trailing padding ignored. The
     * TTL is returned, not checked.
     *
     * @throws VrrpFormatException naming the check that failed, when it is no valid VRRP v3 advertisement
     */
    public static Captured parse(byte[] frame) throws VrrpFormatException {
        if (frame.length < ETHERNET_HEADER) {
            throw new VrrpFormatException("truncated Ethernet frame: " + frame.length + " bytes");
        }
        int at = 12;
        int ethertype = u16(frame, at);
        if (ethertype == ETHERTYPE_VLAN) {
            if (frame.length < ETHERNET_HEADER + 4) {
                throw new VrrpFormatException("truncated 802.1Q frame: " + frame.length + " bytes");
            }
            at += 4;
            ethertype = u16(frame, at);
        }
        byte[] sourceMac = Arrays.copyOfRange(frame, 6, 12);
        return switch (ethertype) {
            case ETHERTYPE_IPV4 -> parseIpv4(frame, at + 2, sourceMac);
            case ETHERTYPE_IPV6 -> parseIpv6(frame, at + 2, sourceMac);
            default -> throw new VrrpFormatException(String.format("ethertype 0x%04x is neither IPv4 nor IPv6",
                    ethertype));
        };
    }

    private static Captured parseIpv4(byte[] f, int at, byte[] sourceMac) throws VrrpFormatException {
        int available = f.length - at;
        if (available < IPV4_HEADER) {
            throw new VrrpFormatException("truncated IPv4 header: " + available + " bytes");
        }
        if ((f[at] & 0xf0) != 0x40) {
            throw new VrrpFormatException("IP version " + ((f[at] & 0xff) >> 4) + " in an IPv4 frame");
        }
        int headerLength = (f[at] & 0x0f) * 4;
        int totalLength = u16(f, at + 2);
        if (headerLength < IPV4_HEADER || totalLength < headerLength || totalLength > available) {
            throw new VrrpFormatException("IPv4 header length " + headerLength + " and total length "
                    + totalLength + " do not fit the " + available + " bytes captured");
        }
        int checksum = u16(f, at + 10);
        if (checksum != headerChecksum(f, at, headerLength)) {
            throw new VrrpFormatException(String.format("IPv4 header checksum 0x%04x wrong", checksum));
        }
        if ((u16(f, at + 6) & 0x3fff) != 0) {
            throw new VrrpFormatException("a fragment (VRRP is never fragmented)");
        }
        IpAddress source = IpAddress.ofBytes(Arrays.copyOfRange(f, at + 12, at + 16));
        IpAddress destination = IpAddress.ofBytes(Arrays.copyOfRange(f, at + 16, at + 20));
        byte[] message = Arrays.copyOfRange(f, at + headerLength, at + totalLength);
        return captured(f[at + 9] & 0xff, source, destination, sourceMac, f[at + 8] & 0xff, message);
    }

    private static Captured parseIpv6(byte[] f, int at, byte[] sourceMac) throws VrrpFormatException {
        int available = f.length - at;
        if (available < IPV6_HEADER) {
            throw new VrrpFormatException("truncated IPv6 header: " + available + " bytes");
        }
        if ((f[at] & 0xf0) != 0x60) {
            throw new VrrpFormatException("IP version " + ((f[at] & 0xff) >> 4) + " in an IPv6 frame");
        }
        int payloadLength = u16(f, at + 4);
        if (payloadLength > available - IPV6_HEADER) {
            throw new VrrpFormatException("IPv6 payload length " + payloadLength + " beyond the "
                    + (available - IPV6_HEADER) + " bytes captured");
        }
        IpAddress source = IpAddress.ofBytes(Arrays.copyOfRange(f, at + 8, at + 24));
        IpAddress destination = IpAddress.ofBytes(Arrays.copyOfRange(f, at + 24, at + 40));
        byte[] message = Arrays.copyOfRange(f, at + IPV6_HEADER, at + IPV6_HEADER + payloadLength);
        return captured(f[at + 6] & 0xff, source, destination, sourceMac, f[at + 7] & 0xff, message);
    }

    private static Captured captured(int protocol, IpAddress source, IpAddress destination, byte[] sourceMac,
            int ttl, byte[] message) throws VrrpFormatException {
        if (protocol != VrrpCodec.PROTOCOL) {
            throw new VrrpFormatException(source.family() == IpFamily.IPV4
                    ? "IP protocol " + protocol + " is not VRRP (112)"
                    : "next header " + protocol + " is not VRRP (112); extension headers are not supported");
        }
        if (!destination.equals(group(destination.family()))) {
            throw new VrrpFormatException("destination " + destination + " is not the VRRP group "
                    + group(destination.family()));
        }
        return new Captured(source, sourceMac, ttl, VrrpCodec.decode(message, source, destination));
    }
}
