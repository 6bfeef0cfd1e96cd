package io.openelb.layer2.wire;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/**
 * The pcap (BPF) filter expression that lets only ARP requests and Neighbor Solicitations for the
 * addresses this node answers reach user space; the kernel drops every other frame. The responder
 * checks the target again, so the filter only saves work and never decides.
 */
public final class CaptureFilter {
    /** Beyond this many addresses the filter asks for every ARP request / NS (BPF programs are bounded). */
    static final int MAX_LISTED = 128;
    /** Matches no frame at all: nothing is owned. */
    public static final String NOTHING = "less 1";

    private CaptureFilter() {}

    public static String of(Collection<IpAddress> targets, MacAddress own) {
        List<IpAddress> v4 = targets.stream().filter(a -> a.family() == IpFamily.IPV4).sorted().toList();
        List<IpAddress> v6 = targets.stream().filter(a -> a.family() == IpFamily.IPV6).sorted().toList();
        StringJoiner kinds = new StringJoiner(" or ");
        if (!v4.isEmpty()) {
            // arp[6:2] operation; arp[24:4] target protocol address (Ethernet/IPv4 ARP)
            kinds.add("(arp and arp[6:2] = 1" + listed(v4, a -> "arp[24:4] = " + word(a.toBytes(), 0)) + ")");
        }
        if (!v6.isEmpty()) {
            // ICMPv6 right after the fixed header: ip6[40] type; ip6[48..63] target address
            kinds.add("(icmp6 and ip6[40] = 135" + listed(v6, a -> {
                byte[] b = a.toBytes();
                return "ip6[48:4] = " + word(b, 0) + " and ip6[52:4] = " + word(b, 4) + " and ip6[56:4] = "
                        + word(b, 8) + " and ip6[60:4] = " + word(b, 12);
            }) + ")");
        }
        if (kinds.length() == 0) {
            return NOTHING;
        }
        return "(" + kinds + ") and not ether src " + own;
    }

    private static String listed(List<IpAddress> addresses, java.util.function.Function<IpAddress, String> match) {
        if (addresses.size() > MAX_LISTED) {
            return "";
        }
        StringJoiner any = new StringJoiner(") or (", " and ((", "))");
        addresses.forEach(a -> any.add(match.apply(a)));
        return any.toString();
    }

    private static String word(byte[] b, int o) {
        return "0x" + HexFormat.of().formatHex(b, o, o + 4);
    }
}
