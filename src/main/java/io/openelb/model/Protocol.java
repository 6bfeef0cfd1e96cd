package io.openelb.model;

import java.util.Locale;

/** How a pool's addresses reach the network. */
public enum Protocol {
    /** Announced to the BgpPeers' routers, each eligible node as next hop. */
    BGP,
    /** One node answers ARP/NDP for each address on the pool's interface. */
    LAYER2,
    /** OpenELB's keepalived mode: one node, elected by VRRP v3, configures the address on its interface. */
    VIP;

    /** Parses {@code spec.protocol}; absent means bgp, as in OpenELB. */
    public static Protocol parse(String text) {
        if (text == null || text.isEmpty()) {
            return BGP;
        }
        return switch (text) {
            case "bgp" -> BGP;
            case "layer2" -> LAYER2;
            case "vip" -> VIP;
            default -> throw new IllegalArgumentException(
                    "protocol '" + text + "' is not one of bgp, layer2, vip");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
