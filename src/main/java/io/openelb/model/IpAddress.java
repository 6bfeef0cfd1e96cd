package io.openelb.model;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One IPv4 or IPv6 address as a number, so that arithmetic over pools of any size (a /64 included) is
 * exact. Parses literals only (never resolves a name) and prints the canonical form Kubernetes writes
 * (RFC 5952 for IPv6: lower case, longest zero run compressed).
 */
public record IpAddress(IpFamily family, BigInteger value) implements Comparable<IpAddress> {
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    public IpAddress {
        if (value.signum() < 0 || value.bitLength() > family.bits()) {
            throw new IllegalArgumentException(value + " is not an " + family + " address");
        }
    }

    /**
     * Parses an IPv4 or IPv6 literal.
     *
     * @throws InvalidAddressException naming the text when it is not one
     */
    public static IpAddress parse(String text) {
        if (IPV4.matcher(text).matches()) {
            long v = 0;
            for (String octet : text.split("\\.")) {
                v = (v << 8) | Integer.parseInt(octet);
            }
            return new IpAddress(IpFamily.IPV4, BigInteger.valueOf(v));
        }
        // Only a literal made of these characters reaches InetAddress, so it never does a DNS lookup.
        if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
            try {
                InetAddress a = InetAddress.getByName(text);
                if (a instanceof Inet6Address) {
                    return new IpAddress(IpFamily.IPV6, new BigInteger(1, a.getAddress()));
                }
                throw new InvalidAddressException("'" + text + "' is an IPv4-mapped IPv6 address; write it as IPv4");
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        throw new InvalidAddressException("'" + text + "' is not an IPv4 or IPv6 address");
    }

    /** The address as it goes on the wire: 4 or 16 bytes, network order. */
    public byte[] toBytes() {
        byte[] out = new byte[family.bits() / 8];
        byte[] raw = value.toByteArray(); // big-endian, maybe with a leading sign byte or shorter
        int n = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - n, out, out.length - n, n);
        return out;
    }

    /** An address from its 4 or 16 wire bytes. */
    public static IpAddress ofBytes(byte[] bytes) {
        IpFamily family = switch (bytes.length) {
            case 4 -> IpFamily.IPV4;
            case 16 -> IpFamily.IPV6;
            default -> throw new InvalidAddressException(bytes.length + " bytes are no IPv4 or IPv6 address");
        };
        return new IpAddress(family, new BigInteger(1, bytes));
    }

    /** The address {@code n} places after this one (same family; the caller keeps it in range). */
    public IpAddress plus(long n) {
        return new IpAddress(family, value.add(BigInteger.valueOf(n)));
    }

    @Override
    public int compareTo(IpAddress other) {
        int byFamily = family.compareTo(other.family);
        return byFamily != 0 ? byFamily : value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return family == IpFamily.IPV4 ? ipv4Text(value.longValue()) : ipv6Text(value);
    }

    private static String ipv4Text(long v) {
        return (v >>> 24 & 0xff) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v & 0xff);
    }

    /** RFC 5952 section 4: the longest run (first if tied) of two or more zero groups becomes "::". */
    private static String ipv6Text(BigInteger v) {
        int[] groups = new int[8];
        for (int i = 7; i >= 0; i--) {
            groups[i] = v.intValue() & 0xffff;
            v = v.shiftRight(16);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
