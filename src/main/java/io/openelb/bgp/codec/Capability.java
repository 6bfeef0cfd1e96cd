package io.openelb.bgp.codec;

import java.util.Arrays;
import java.util.List;

/** An OPEN capability (RFC 5492); unknown ones are kept as opaque bytes. */
public sealed interface Capability {
    /** RFC 4760: one address family the session carries. */
    int MULTIPROTOCOL = 1;
    /** RFC 2918. */
    int ROUTE_REFRESH = 2;
    /** RFC 4724. */
    int GRACEFUL_RESTART = 64;
    /** RFC 6793. */
    int FOUR_OCTET_AS = 65;
    /** RFC 7911. */
    int ADD_PATH = 69;

    int code();

    record Multiprotocol(int afi, int safi) implements Capability {
        @Override
        public int code() {
            return MULTIPROTOCOL;
        }
    }

    record RouteRefreshCapability() implements Capability {
        @Override
        public int code() {
            return ROUTE_REFRESH;
        }
    }

    record FourOctetAs(long as) implements Capability {
        @Override
        public int code() {
            return FOUR_OCTET_AS;
        }
    }

    /**
     * Graceful restart (RFC 4724 section 3).
     *
     * @param restarting the R bit: this speaker has just restarted
     * @param restartTime seconds the peer should keep our routes after the session drops (12 bits)
     */
    record GracefulRestart(boolean restarting, int restartTime, List<Family> families) implements Capability {
        public GracefulRestart {
            families = List.copyOf(families);
        }

        @Override
        public int code() {
            return GRACEFUL_RESTART;
        }

        /** A family whose forwarding state is kept (F bit). */
        public record Family(int afi, int safi, boolean forwardingPreserved) {}
    }

    /** ADD-PATH (RFC 7911 section 4): per family, 1 receive, 2 send, 3 both. */
    record AddPath(List<Family> families) implements Capability {
        public AddPath {
            families = List.copyOf(families);
        }

        @Override
        public int code() {
            return ADD_PATH;
        }

        public record Family(int afi, int safi, int sendReceive) {}
    }

    record Unknown(int code, byte[] value) implements Capability {
        public Unknown {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.code == code && Arrays.equals(u.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * code + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Unknown[code=" + code + ", " + value.length + " bytes]";
        }
    }
}
