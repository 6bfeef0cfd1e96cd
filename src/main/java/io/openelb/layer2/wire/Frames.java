package io.openelb.layer2.wire;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.Arrays;

/**
 * Ethernet frames of the Layer 2 responder: parsing ARP requests (RFC 826) and Neighbor Solicitations
 * (RFC 4861 section 4.3), building ARP replies, gratuitous ARP (RFC 5227 section 3), and Neighbor
 * Advertisements (RFC 4861 section 4.4). Pure: bytes in, bytes out.
 */
public final class Frames {
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int ARP_REQUEST = 1;
    static final int ARP_REPLY = 2;
    static final int ICMPV6 = 58;
    static final int NEIGHBOR_SOLICITATION = 135;
    static final int NEIGHBOR_ADVERTISEMENT = 136;
    /** RFC 4861 section 4.6.1: option types. */
    static final int OPTION_SOURCE_LLA = 1;
    static final int OPTION_TARGET_LLA = 2;
    /** RFC 4861 section 4.4: Router, Solicited, Override flags. */
    static final int FLAG_SOLICITED = 0x40;
    static final int FLAG_OVERRIDE = 0x20;
    /** Ethernet frames shorter than this are padded (IEEE 802.3 minimum without FCS). */
    static final int MIN_FRAME = 60;
    private static final byte[] ALL_NODES = IpAddress.parse("ff02::1").toBytes();

    private Frames() {}

    /**
     * The request this frame carries, or null when it is none (another protocol, a reply, a malformed
     * or truncated frame, an NS whose hop limit is not 255).
     */
    public static NeighborRequest parse(byte[] frame) {
        if (frame == null || frame.length < 14) {
            return null;
        }
        int type = u16(frame, 12);
        if (type == ETHERTYPE_ARP) {
            return parseArp(frame);
        }
        if (type == ETHERTYPE_IPV6) {
            return parseSolicitation(frame);
        }
        return null;
    }

    private static NeighborRequest parseArp(byte[] f) {
        // hardware Ethernet (1), protocol IPv4, lengths 6 and 4, operation request
        if (f.length < 42 || u16(f, 14) != 1 || u16(f, 16) != 0x0800 || f[18] != 6 || f[19] != 4
                || u16(f, 20) != ARP_REQUEST) {
            return null;
        }
        return new NeighborRequest(IpAddress.ofBytes(Arrays.copyOfRange(f, 38, 42)),
                MacAddress.of(Arrays.copyOfRange(f, 22, 28)), IpAddress.ofBytes(Arrays.copyOfRange(f, 28, 32)));
    }

    private static NeighborRequest parseSolicitation(byte[] f) {
        // IPv6 header at 14: next header ICMPv6 without extension headers; RFC 4861 7.1.1: hop limit 255
        if (f.length < 78 || (f[14] & 0xf0) != 0x60 || (f[20] & 0xff) != ICMPV6 || (f[21] & 0xff) != 255
                || (f[54] & 0xff) != NEIGHBOR_SOLICITATION || f[55] != 0) {
            return null;
        }
        IpAddress target = IpAddress.ofBytes(Arrays.copyOfRange(f, 62, 78));
        byte[] source = Arrays.copyOfRange(f, 22, 38);
        boolean unspecified = Arrays.equals(source, new byte[16]);
        // the asker's link-layer address: the Source LLA option if present, else the Ethernet source
        MacAddress sender = MacAddress.of(Arrays.copyOfRange(f, 6, 12));
        for (int o = 78; o + 8 <= f.length; ) {
            int len = (f[o + 1] & 0xff) * 8;
            if (len == 0) {
                return null; // RFC 4861 4.6: a zero-length option invalidates the packet
            }
            if ((f[o] & 0xff) == OPTION_SOURCE_LLA && len >= 8) {
                sender = MacAddress.of(Arrays.copyOfRange(f, o + 2, o + 8));
            }
            o += len;
        }
        return new NeighborRequest(target, sender, unspecified ? null : IpAddress.ofBytes(source));
    }

    /** The answer from {@code ours} to a request for an address this node answers for. */
    public static byte[] answer(NeighborRequest request, MacAddress ours) {
        if (request.target().family() == IpFamily.IPV4) {
            return arp(ARP_REPLY, ours, request.target(), request.senderMac(), request.senderMac(), request.senderIp());
        }
        if (request.senderIp() == null) {
            // RFC 4861 7.2.4: a solicitation from the unspecified address is answered to all-nodes, unsolicited
            return advertisement(ours, request.target(), allNodesMac(), IpAddress.ofBytes(ALL_NODES), false);
        }
        return advertisement(ours, request.target(), request.senderMac(), request.senderIp(), true);
    }

    /**
     * Announces that {@code address} is now at {@code ours}: a gratuitous ARP request (sender and target
     * address both the VIP, broadcast) or an unsolicited Neighbor Advertisement with the Override flag to
     * all-nodes, so neighbours update entries that point at the previous owner.
     */
    public static byte[] announcement(IpAddress address, MacAddress ours) {
        if (address.family() == IpFamily.IPV4) {
            return arp(ARP_REQUEST, ours, address, MacAddress.BROADCAST, MacAddress.of(new byte[6]), address);
        }
        return advertisement(ours, address, allNodesMac(), IpAddress.ofBytes(ALL_NODES), false);
    }

    private static byte[] arp(int op, MacAddress ours, IpAddress senderIp, MacAddress ethDst, MacAddress targetMac,
            IpAddress targetIp) {
        byte[] f = new byte[MIN_FRAME];
        ethDst.copyTo(f, 0);
        ours.copyTo(f, 6);
        put16(f, 12, ETHERTYPE_ARP);
        put16(f, 14, 1);
        put16(f, 16, 0x0800);
        f[18] = 6;
        f[19] = 4;
        put16(f, 20, op);
        ours.copyTo(f, 22);
        System.arraycopy(senderIp.toBytes(), 0, f, 28, 4);
        targetMac.copyTo(f, 32);
        System.arraycopy(targetIp.toBytes(), 0, f, 38, 4);
        return f;
    }

    /** A Neighbor Advertisement for {@code target} from {@code ours}, Override set, with the Target LLA option. */
    private static byte[] advertisement(MacAddress ours, IpAddress target, MacAddress ethDst, IpAddress dst,
            boolean solicited) {
        byte[] f = new byte[14 + 40 + 32];
        ethDst.copyTo(f, 0);
        ours.copyTo(f, 6);
        put16(f, 12, ETHERTYPE_IPV6);
        f[14] = 0x60;
        put16(f, 18, 32); // payload: 24-byte NA + 8-byte option
        f[20] = (byte) ICMPV6;
        f[21] = (byte) 255; // RFC 4861 7.1.2: receivers drop NAs with another hop limit
        System.arraycopy(target.toBytes(), 0, f, 22, 16); // source: the address advertised
        System.arraycopy(dst.toBytes(), 0, f, 38, 16);
        f[54] = (byte) NEIGHBOR_ADVERTISEMENT;
        f[58] = (byte) (FLAG_OVERRIDE | (solicited ? FLAG_SOLICITED : 0));
        System.arraycopy(target.toBytes(), 0, f, 62, 16);
        f[78] = (byte) OPTION_TARGET_LLA;
        f[79] = 1;
        ours.copyTo(f, 80);
        put16(f, 56, icmpv6Checksum(f, 22, 38, 54, 32));
        return f;
    }

    /** RFC 4443 section 2.3: one's complement sum over the IPv6 pseudo-header and the ICMPv6 message. */
    static int icmpv6Checksum(byte[] f, int src, int dst, int icmp, int length) {
        long sum = 0;
        for (int i = 0; i < 16; i += 2) {
            sum += u16(f, src + i) + u16(f, dst + i);
        }
        sum += length + ICMPV6;
        for (int i = 0; i < length; i += 2) {
            int hi = f[icmp + i] & 0xff;
            int lo = i + 1 < length ? f[icmp + i + 1] & 0xff : 0;
            if (i != 2) { // the checksum field itself counts as zero
                sum += hi << 8 | lo;
            }
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** RFC 2464 section 7: 33:33 and the last four bytes of the IPv6 multicast address. */
    private static MacAddress allNodesMac() {
        return MacAddress.of(new byte[] {0x33, 0x33, 0, 0, 0, 1});
    }

    /** RFC 4291 section 2.7.1: ff02::1:ffXX:XXXX, where a solicitation for {@code address} is sent. */
    public static IpAddress solicitedNodeGroup(IpAddress address) {
        byte[] a = address.toBytes();
        byte[] g = IpAddress.parse("ff02::1:ff00:0").toBytes();
        System.arraycopy(a, 13, g, 13, 3);
        return IpAddress.ofBytes(g);
    }

    static int u16(byte[] b, int o) {
        return (b[o] & 0xff) << 8 | (b[o + 1] & 0xff);
    }

    private static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >> 8);
        b[o + 1] = (byte) v;
    }
}
