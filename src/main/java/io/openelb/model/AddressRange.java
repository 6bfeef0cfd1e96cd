package io.openelb.model;

import java.math.BigInteger;

/**
 * The addresses of an Eip, parsed from OpenELB's {@code spec.address} syntax: one IP, a CIDR, or a
 * {@code first-last} range, IPv4 or IPv6; {@code first..last} inclusive.
 *
 * @param prefixLength the CIDR's prefix length, or -1 when the address was not written as a CIDR
 */
public record AddressRange(IpAddress first, IpAddress last, int prefixLength) {

    public AddressRange {
        if (first.family() != last.family() || first.compareTo(last) > 0) {
            throw new IllegalArgumentException("not a range: " + first + "-" + last);
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
            IpAddress from = parsePart(s.substring(0, dash), s);
            IpAddress to = parsePart(s.substring(dash + 1), s);
            if (from.family() != to.family()) {
                throw new InvalidAddressException("range '" + s + "' mixes IPv4 and IPv6");
            }
            if (from.compareTo(to) > 0) {
                throw new InvalidAddressException("range '" + s + "' ends before it starts");
            }
            return new AddressRange(from, to, -1);
        }
        IpAddress single = parsePart(s, s);
        return new AddressRange(single, single, -1);
    }

    public IpFamily family() {
        return first.family();
    }

    /** Number of addresses, first and last included. */
    public BigInteger size() {
        return last.value().subtract(first.value()).add(BigInteger.ONE);
    }

    public boolean contains(IpAddress address) {
        return address.family() == family() && address.compareTo(first) >= 0 && address.compareTo(last) <= 0;
    }

    public boolean overlaps(AddressRange other) {
        return family() == other.family() && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
    }

    /**
     * Whether this is an IPv4 CIDR with a network and a broadcast address (a /30 or wider), the two
     * addresses some clients cannot reach.
     */
    public boolean hasNetworkAndBroadcast() {
        return family() == IpFamily.IPV4 && prefixLength >= 0 && prefixLength <= 30;
    }

    @Override
    public String toString() {
        if (prefixLength >= 0) {
            return first + "/" + prefixLength;
        }
        return first.equals(last) ? first.toString() : first + "-" + last;
    }

    private static AddressRange parseCidr(String s, int slash) {
        IpAddress base = parsePart(s.substring(0, slash), s);
        int bits = base.family().bits();
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidAddressException("'" + s + "' has no valid prefix length");
        }
        if (prefix < 0 || prefix > bits) {
            throw new InvalidAddressException(
                    "prefix length /" + prefix + " is out of range for " + base.family() + " in '" + s + "'");
        }
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        // Host bits are ignored, as OpenELB (Go's net.ParseCIDR) does: 192.0.2.7/24 is 192.0.2.0/24.
        BigInteger network = base.value().andNot(hostMask);
        return new AddressRange(new IpAddress(base.family(), network),
                new IpAddress(base.family(), network.or(hostMask)), prefix);
    }

    private static IpAddress parsePart(String part, String whole) {
        try {
            return IpAddress.parse(part);
        } catch (InvalidAddressException e) {
            throw part.equals(whole) ? e : new InvalidAddressException("in '" + whole + "': " + e.getMessage());
        }
    }
}
