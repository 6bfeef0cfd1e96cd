package io.openelb.bgp.codec;

import io.openelb.model.IpAddress;
import java.util.Arrays;
import java.util.List;

/** A path attribute of an UPDATE (RFC 4271 section 4.3 and 5; RFC 4760); unknown ones stay opaque. */
public sealed interface PathAttribute {
    // RFC 4271 section 4.3: attribute flags
    int OPTIONAL = 0x80;
    int TRANSITIVE = 0x40;
    int PARTIAL = 0x20;
    int EXTENDED_LENGTH = 0x10;
    // type codes
    int ORIGIN = 1;
    int AS_PATH = 2;
    int NEXT_HOP = 3;
    int MULTI_EXIT_DISC = 4;
    int LOCAL_PREF = 5;
    int COMMUNITIES = 8;
    int MP_REACH_NLRI = 14;
    int MP_UNREACH_NLRI = 15;
    int AS4_PATH = 17;
    int LARGE_COMMUNITY = 32;

    int typeCode();

    /** ORIGIN: 0 IGP, 1 EGP, 2 INCOMPLETE. */
    record Origin(int origin) implements PathAttribute {
        public static final int IGP = 0;

        @Override
        public int typeCode() {
            return ORIGIN;
        }
    }

    /**
     * AS_PATH (or AS4_PATH when {@code four} is the type 17 attribute of RFC 6793).
     *
     * @param segments each a type (1 AS_SET, 2 AS_SEQUENCE) and its AS numbers
     */
    record AsPath(List<Segment> segments, boolean as4Path) implements PathAttribute {
        public AsPath {
            segments = List.copyOf(segments);
        }

        public static AsPath sequence(long... asns) {
            return new AsPath(List.of(new Segment(Segment.AS_SEQUENCE,
                    Arrays.stream(asns).boxed().toList())), false);
        }

        @Override
        public int typeCode() {
            return as4Path ? AS4_PATH : AS_PATH;
        }

        public record Segment(int type, List<Long> asns) {
            public static final int AS_SET = 1;
            public static final int AS_SEQUENCE = 2;

            public Segment {
                asns = List.copyOf(asns);
            }
        }
    }

    /** NEXT_HOP for IPv4 NLRI. */
    record NextHop(IpAddress address) implements PathAttribute {
        @Override
        public int typeCode() {
            return NEXT_HOP;
        }
    }

    /** MULTI_EXIT_DISC (RFC 4271 section 5.1.4): optional non-transitive, a 32-bit metric, lower preferred. */
    record MultiExitDisc(long value) implements PathAttribute {
        public MultiExitDisc {
            checkUnsigned32(value, "MULTI_EXIT_DISC");
        }

        @Override
        public int typeCode() {
            return MULTI_EXIT_DISC;
        }
    }

    /** LOCAL_PREF (RFC 4271 section 5.1.5): well-known, only between peers of one AS; higher preferred. */
    record LocalPref(long value) implements PathAttribute {
        public LocalPref {
            checkUnsigned32(value, "LOCAL_PREF");
        }

        @Override
        public int typeCode() {
            return LOCAL_PREF;
        }
    }

    /**
     * COMMUNITIES (RFC 1997): optional transitive, each an unsigned 32-bit value ({@code 65000:100} is
     * {@code 65000 << 16 | 100}), in the order they came or are sent.
     */
    record Communities(List<Long> values) implements PathAttribute {
        public Communities {
            values = List.copyOf(values);
            values.forEach(c -> checkUnsigned32(c, "community"));
        }

        @Override
        public int typeCode() {
            return COMMUNITIES;
        }
    }

    /** LARGE_COMMUNITY (RFC 8092): optional transitive, each three unsigned 32-bit numbers. */
    record LargeCommunities(List<LargeCommunity> values) implements PathAttribute {
        public LargeCommunities {
            values = List.copyOf(values);
        }

        @Override
        public int typeCode() {
            return LARGE_COMMUNITY;
        }
    }

    /** MP_REACH_NLRI (RFC 4760 section 3): a global next hop, optionally a link-local one (IPv6). */
    record MpReach(int afi, int safi, List<IpAddress> nextHops, List<Prefix> nlri) implements PathAttribute {
        public MpReach {
            nextHops = List.copyOf(nextHops);
            nlri = List.copyOf(nlri);
        }

        @Override
        public int typeCode() {
            return MP_REACH_NLRI;
        }
    }

    /** MP_UNREACH_NLRI (RFC 4760 section 4); empty NLRI is the End-of-RIB marker of its family. */
    record MpUnreach(int afi, int safi, List<Prefix> withdrawn) implements PathAttribute {
        public MpUnreach {
            withdrawn = List.copyOf(withdrawn);
        }

        @Override
        public int typeCode() {
            return MP_UNREACH_NLRI;
        }
    }

    record Unknown(int flags, int typeCode, byte[] value) implements PathAttribute {
        public Unknown {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.flags == flags && u.typeCode == typeCode && Arrays.equals(u.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * flags + typeCode) + Arrays.hashCode(value);
        }
    }

    private static void checkUnsigned32(long value, String what) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " " + value + " is not an unsigned 32-bit number");
        }
    }
}
