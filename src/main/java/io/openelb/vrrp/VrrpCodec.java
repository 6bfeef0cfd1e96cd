package io.openelb.vrrp;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The VRRP v3 message as bytes (RFC 5798 5.2). The checksum covers the IPv4 or IPv6 pseudo-header
 * (5.2.8), so encoding and decoding need the packet's source and destination. Pure and stateless; any
 * thread.
 */
public final class VrrpCodec {
    /** 5.2.1, 5.2.2: version 3, type 1 (ADVERTISEMENT) in the first byte. */
    static final int VERSION = 3;
    static final int TYPE_ADVERTISEMENT = 1;
    /** IANA protocol number of VRRP, the pseudo-header's protocol / next header (5.2.8). */
    static final int PROTOCOL = 112;
    /** Version/type, VRID, priority, count, reserved + Max Adver Int, checksum. */
    static final int HEADER_LENGTH = 8;
    private static final int CHECKSUM_OFFSET = 6;

    private VrrpCodec() {}

    /** The message, checksum filled in; {@code source} and {@code destination} are of the addresses' family. */
    public static byte[] encode(VrrpAdvert advert, IpAddress source, IpAddress destination) {
        if (source.family() != advert.family() || destination.family() != advert.family()) {
            throw new IllegalArgumentException("an " + advert.family() + " advertisement sent from " + source
                    + " to " + destination);
        }
        int width = addressBytes(advert.family());
        byte[] m = new byte[HEADER_LENGTH + advert.addresses().size() * width];
        m[0] = (byte) (VERSION << 4 | TYPE_ADVERTISEMENT);
        m[1] = (byte) advert.vrid();
        m[2] = (byte) advert.priority();
        m[3] = (byte) advert.addresses().size();
        put16(m, 4, advert.maxAdvertIntervalCentis()); // 5.2.6: the 4 reserved bits above it are 0
        for (int i = 0; i < advert.addresses().size(); i++) {
            System.arraycopy(advert.addresses().get(i).toBytes(), 0, m, HEADER_LENGTH + i * width, width);
        }
        put16(m, CHECKSUM_OFFSET, checksum(m, source, destination));
        return m;
    }

    /**
     * Parses and checks version, type, length, address count and family, and the checksum (RFC 5798 7.1).
     * The addresses are of {@code source}'s family. The reserved bits are ignored (5.2.6).
     *
     * @throws VrrpFormatException naming the check that failed
     */
    public static VrrpAdvert decode(byte[] message, IpAddress source, IpAddress destination)
            throws VrrpFormatException {
        if (message.length < HEADER_LENGTH) {
            throw new VrrpFormatException("truncated: " + message.length + " bytes, the VRRP header alone is "
                    + HEADER_LENGTH);
        }
        int version = (message[0] & 0xff) >> 4;
        if (version != VERSION) {
            throw new VrrpFormatException("VRRP version " + version + ", only version 3 is supported");
        }
        int type = message[0] & 0x0f;
        if (type != TYPE_ADVERTISEMENT) {
            throw new VrrpFormatException("VRRP type " + type + ", only 1 (ADVERTISEMENT) exists");
        }
        if (source.family() != destination.family()) {
            throw new VrrpFormatException("source " + source + " and destination " + destination
                    + " are of different families");
        }
        int count = message[3] & 0xff;
        if (count == 0) {
            throw new VrrpFormatException("no virtual addresses (count 0)");
        }
        int width = addressBytes(source.family());
        int expected = HEADER_LENGTH + count * width;
        if (message.length != expected) {
            throw new VrrpFormatException("length " + message.length + " does not fit " + count + " "
                    + source.family() + " addresses (" + expected + " bytes)");
        }
        int received = u16(message, CHECKSUM_OFFSET);
        int computed = checksum(message, source, destination);
        if (received != computed) {
            throw new VrrpFormatException(String.format("checksum 0x%04x wrong, expected 0x%04x", received, computed));
        }
        return advert(message, count, width);
    }

    /** The fields once the checks passed; VRID 0 and interval 0 exist on the wire but not in an advert. */
    private static VrrpAdvert advert(byte[] m, int count, int width) throws VrrpFormatException {
        int vrid = m[1] & 0xff;
        if (vrid == 0) {
            throw new VrrpFormatException("VRID 0, valid ones are 1..255");
        }
        int interval = u16(m, 4) & 0x0fff;
        if (interval == 0) {
            throw new VrrpFormatException("Max Advertise Interval 0");
        }
        List<IpAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = HEADER_LENGTH + i * width;
            addresses.add(IpAddress.ofBytes(Arrays.copyOfRange(m, at, at + width)));
        }
        return new VrrpAdvert(vrid, m[2] & 0xff, interval, addresses);
    }

    /**
     * 5.2.8: the 16-bit one's complement of the one's complement sum of the message (its checksum field
     * taken as zero) and the pseudo-header: IPv4 (RFC 768: source, destination, zero, protocol, length) or
     * IPv6 (RFC 8200 8.1: source, destination, 32-bit length, zeros, next header). Both sum to the
     * addresses' words plus the length plus the protocol, as the length fits 16 bits.
     */
    static int checksum(byte[] message, IpAddress source, IpAddress destination) {
        long sum = sumWords(source.toBytes()) + sumWords(destination.toBytes()) + PROTOCOL + message.length;
        sum += sumWords(message) - u16(message, CHECKSUM_OFFSET);
        return (int) (~fold(sum) & 0xffff);
    }

    /** The 16-bit words of {@code b}, an odd last byte padded with zero, summed without folding. */
    static long sumWords(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            sum += (b[i] & 0xff) << 8 | (i + 1 < b.length ? b[i + 1] & 0xff : 0);
        }
        return sum;
    }

    /** Folds the carries back in: the one's complement sum in 16 bits. */
    static long fold(long sum) {
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return sum;
    }

    static int addressBytes(IpFamily family) {
        return family.bits() / 8;
    }

    static int u16(byte[] b, int o) {
        return (b[o] & 0xff) << 8 | (b[o + 1] & 0xff);
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) (v >> 8);
        b[o + 1] = (byte) v;
    }
}
