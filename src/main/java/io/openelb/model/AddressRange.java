package io.openelb.model;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The addresses of an Eip, parsed from OpenELB's {@code spec.address} syntax: one IP, a CIDR, or a
 * {@code first-last} range, IPv4 or IPv6. Addresses are numbers ({@code first..last} inclusive) so that
 * pools of any size, a /64 included, cost the same.
 *
 * <p>Never resolves names: only literals are accepted, so parsing does no I/O.
 */
public record AddressRange(IpFamily family, BigInteger first, BigInteger last) {
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    /** IPv4 or IPv6, with its address width. */
    public enum IpFamily {
        IPV4(32),
        IPV6(128);

        private final int bits;

        IpFamily(int bits) {
            this.bits = bits;
        }

        public int bits() {
            return bits;
        }
    }

    public AddressRange {
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("first address after last");
        }
    }

    /**
     * Parses {@code spec.address}.
     *
     * @throws InvalidAddressException with a message fit for a status condition
     */
    public static AddressRange parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new InvalidAddressException("address is empty");
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            return parseCidr(s, slash);
        }
        int dash = s.indexOf('-');
        if (dash >= 0) {
            Address from = parseAddress(s.substring(0, dash), s);
            Address to = parseAddress(s.substring(dash + 1), s);
            if (from.family != to.family) {
                throw new InvalidAddressException("range '" + s + "' mixes IPv4 and IPv6");
            }
            if (from.value.compareTo(to.value) > 0) {
                throw new InvalidAddressException("range '" + s + "' ends before it starts");
            }
            return new AddressRange(from.family, from.value, to.value);
        }
        Address single = parseAddress(s, s);
        return new AddressRange(single.family, single.value, single.value);
    }

    /** Number of addresses, first and last included. */
    public BigInteger size() {
        return last.subtract(first).add(BigInteger.ONE);
    }

    public boolean contains(BigInteger address) {
        return address.compareTo(first) >= 0 && address.compareTo(last) <= 0;
    }

    public boolean overlaps(AddressRange other) {
        return family == other.family && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
    }

    /** The textual form of an address of this range's family. */
    public String format(BigInteger address) {
        byte[] raw = address.toByteArray();
        byte[] bytes = new byte[family.bits / 8];
        int n = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - n, bytes, bytes.length - n, n);
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: the length is always 4 or 16
        }
    }

    @Override
    public String toString() {
        return first.equals(last) ? format(first) : format(first) + "-" + format(last);
    }

    private static AddressRange parseCidr(String s, int slash) {
        Address base = parseAddress(s.substring(0, slash), s);
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidAddressException("'" + s + "' has no valid prefix length");
        }
        if (prefix < 0 || prefix > base.family.bits) {
            throw new InvalidAddressException(
                    "prefix length /" + prefix + " is out of range for " + base.family + " in '" + s + "'");
        }
        BigInteger hostMask = BigInteger.ONE.shiftLeft(base.family.bits - prefix).subtract(BigInteger.ONE);
        // Host bits are ignored, as OpenELB (Go's net.ParseCIDR) does: 192.0.2.7/24 is 192.0.2.0/24.
        BigInteger network = base.value.andNot(hostMask);
        return new AddressRange(base.family, network, network.or(hostMask));
    }

    private record Address(IpFamily family, BigInteger value) {}

    private static Address parseAddress(String part, String whole) {
        if (IPV4.matcher(part).matches()) {
            BigInteger v = BigInteger.ZERO;
            for (String octet : part.split("\\.")) {
                v = v.shiftLeft(8).or(BigInteger.valueOf(Integer.parseInt(octet)));
            }
            return new Address(IpFamily.IPV4, v);
        }
        // Only a literal made of these characters reaches InetAddress, so it never does a DNS lookup.
        if (part.indexOf(':') >= 0 && IPV6_CHARS.matcher(part).matches()) {
            try {
                InetAddress a = InetAddress.getByName(part);
                if (a instanceof Inet6Address) {
                    return new Address(IpFamily.IPV6, new BigInteger(1, a.getAddress()));
                }
                throw new InvalidAddressException("'" + part + "' is an IPv4-mapped IPv6 address; write it as IPv4");
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        throw new InvalidAddressException("'" + part + "' in '" + whole + "' is not an IPv4 or IPv6 address");
    }
}
