package io.openelb.vrrp;

import io.openelb.model.IpAddress;
import java.util.List;

/**
 * One VRRP v3 advertisement (RFC 5798 5.2), without the IP header around it.
 *
 * @param vrid                   virtual router id, 1..255
 * @param priority               0 (the master gives up) .. 255 (the address owner)
 * @param maxAdvertIntervalCentis 1..4095 centiseconds
 * @param addresses              the virtual addresses, all of one family, at least one
 */
public record VrrpAdvert(int vrid, int priority, int maxAdvertIntervalCentis, List<IpAddress> addresses) {
    public VrrpAdvert {
        throw new UnsupportedOperationException("skeleton");
    }
}
