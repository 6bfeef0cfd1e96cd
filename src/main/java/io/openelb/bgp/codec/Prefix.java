package io.openelb.bgp.codec;

import io.openelb.model.IpAddress;

/**
 * An IP prefix as carried in NLRI (RFC 4271 section 4.3, RFC 4760), with the path identifier that
 * precedes it where ADD-PATH (RFC 7911) was negotiated for its family.
 *
 * Ordered by address, then length, then path identifier.
 *
 * @param pathId 0 to 2^32-1, or {@link #NO_PATH_ID}
 */
public record Prefix(IpAddress address, int length, long pathId) implements Comparable<Prefix> {
    public static final long NO_PATH_ID = -1;

    public Prefix {
        if (length < 0 || length > address.family().bits()) {
            throw new IllegalArgumentException("prefix length " + length + " for " + address);
        }
        if (pathId < NO_PATH_ID || pathId > 0xffff_ffffL) {
            throw new IllegalArgumentException("path identifier " + pathId);
        }
    }

    public Prefix(IpAddress address, int length) {
        this(address, length, NO_PATH_ID);
    }

    /** A host route: /32 or /128. */
    public static Prefix host(IpAddress address) {
        return new Prefix(address, address.family().bits());
    }

    /** A host route sent as path {@code pathId} (ADD-PATH). */
    public static Prefix host(IpAddress address, long pathId) {
        return new Prefix(address, address.family().bits(), pathId);
    }

    /**
     * The prefix of {@code length} bits that holds {@code address}: its host bits cleared, as NLRI carries it
     * (a host route when {@code length} is the family's width), sent as path {@code pathId}.
     */
    public static Prefix covering(IpAddress address, int length, long pathId) {
        int hostBits = address.family().bits() - length;
        IpAddress network = hostBits <= 0 || length < 0 ? address
                : new IpAddress(address.family(), address.value().shiftRight(hostBits).shiftLeft(hostBits));
        return new Prefix(network, length, pathId);
    }

    /** Bytes in NLRI: the path identifier, the length octet, the significant octets. */
    public int encodedSize() {
        return (pathId == NO_PATH_ID ? 0 : 4) + 1 + (length + 7) / 8;
    }

    @Override
    public int compareTo(Prefix other) {
        int byAddress = address.compareTo(other.address);
        if (byAddress != 0) {
            return byAddress;
        }
        return length != other.length ? Integer.compare(length, other.length) : Long.compare(pathId, other.pathId);
    }

    @Override
    public String toString() {
        return address + "/" + length + (pathId == NO_PATH_ID ? "" : " path " + pathId);
    }
}
