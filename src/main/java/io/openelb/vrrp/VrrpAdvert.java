package io.openelb.vrrp;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.List;

/**
 * One VRRP v3 advertisement (RFC 5798 5.2), without the IP header around it. Immutable; valid by
 * construction (the constructor throws {@link IllegalArgumentException} naming the field otherwise).
 *
 * @param vrid                   virtual router id, 1..255
 * @param priority               0 (the master gives up) .. 255 (the address owner)
 * @param maxAdvertIntervalCentis 1..4095 centiseconds
 * @param addresses              the virtual addresses, all of one family, at least one
 */
public record VrrpAdvert(int vrid, int priority, int maxAdvertIntervalCentis, List<IpAddress> addresses) {
    /** 5.2.5: Count IPvX Addr is one byte. */
    static final int MAX_ADDRESSES = 255;

    public VrrpAdvert {
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("VRID must be 1..255, got " + vrid);
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority must be 0..255, got " + priority);
        }
        if (maxAdvertIntervalCentis < 1 || maxAdvertIntervalCentis > 4095) {
            throw new IllegalArgumentException(
                    "advertisement interval must be 1..4095 centiseconds, got " + maxAdvertIntervalCentis);
        }
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("an advertisement carries 1..255 addresses, got " + addresses.size());
        }
        IpFamily family = addresses.get(0).family();
        if (addresses.stream().anyMatch(a -> a.family() != family)) {
            throw new IllegalArgumentException("addresses of both families in one advertisement: " + addresses);
        }
    }

    /** The family of the addresses, and so of the packet that carries them. */
    public IpFamily family() {
        return addresses.get(0).family();
    }
}
