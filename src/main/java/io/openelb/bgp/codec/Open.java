package io.openelb.bgp.codec;

import java.util.List;
import java.util.Optional;

/**
 * OPEN (RFC 4271 section 4.2).
 *
 * @param myAs       the 2-octet "My Autonomous System" field (AS_TRANS 23456 for a 4-octet AS)
 * @param holdTime   seconds, 0 or at least 3
 * @param bgpId      the BGP identifier as an unsigned 32-bit number
 */
public record Open(int version, int myAs, int holdTime, long bgpId, List<Capability> capabilities)
        implements BgpMessage {
    /** RFC 6793 section 9. */
    public static final int AS_TRANS = 23456;

    public Open {
        capabilities = List.copyOf(capabilities);
    }

    @Override
    public int type() {
        return OPEN;
    }

    /** The sender's AS: from the 4-octet AS capability when present (RFC 6793), else the 2-octet field. */
    public long as() {
        return capability(Capability.FourOctetAs.class).map(Capability.FourOctetAs::as).orElse((long) myAs);
    }

    public <T extends Capability> Optional<T> capability(Class<T> type) {
        return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public boolean supportsFamily(int afi, int safi) {
        return capabilities.stream().anyMatch(c -> c instanceof Capability.Multiprotocol m
                && m.afi() == afi && m.safi() == safi);
    }
}
