package io.openelb.vip;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of an interface's addresses a VRRP advertisement is sent from: IPv4 the interface's primary address
 * (RFC 5798 5.1.1.1), IPv6 its link-local address (RFC 5798 5.1.2.1). Pure.
 *
 * <p>The kernel's primary IPv4 address is the first one it lists. {@code NetworkInterface} lists an interface's
 * addresses in the kernel's order reversed (the JDK prepends each address it reads), so the newest address, often
 * a virtual one this mode just added, comes first there. Virtual addresses are added as /32: an address with a
 * shorter prefix is preferred, so the source stays put even when the kernel's order changes (the node's own
 * address removed and added again after a virtual one).
 */
final class SourceAddresses {
    private SourceAddresses() {}

    /** One address of the interface and its prefix length. */
    record Assigned(IpAddress address, int prefixLength) {}

    /**
     * The source address of the family, or null when the interface has none.
     *
     * @param listed the interface's addresses (both families) in the order {@code NetworkInterface} lists them
     */
    static IpAddress primary(IpFamily family, List<Assigned> listed) {
        List<Assigned> kernelOrder = new ArrayList<>();
        for (Assigned a : listed) {
            if (a.address().family() == family) {
                kernelOrder.add(0, a);
            }
        }
        if (family == IpFamily.IPV6) {
            return kernelOrder.stream().map(Assigned::address).filter(SourceAddresses::linkLocal).findFirst()
                    .orElse(null);
        }
        return kernelOrder.stream().filter(a -> a.prefixLength() < 32).findFirst()
                .or(() -> kernelOrder.stream().findFirst())
                .map(Assigned::address)
                .orElse(null);
    }

    /** fe80::/10 (RFC 4291 2.5.6). */
    private static boolean linkLocal(IpAddress address) {
        byte[] b = address.toBytes();
        return (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80;
    }
}
