package io.openelb.bgp.codec;

import io.openelb.model.IpAddress;

/** An IP prefix as carried in NLRI (RFC 4271 section 4.3, RFC 4760). */
public record Prefix(IpAddress address, int length) {
    public Prefix {
        if (length < 0 || length > address.family().bits()) {
            throw new IllegalArgumentException("prefix length " + length + " for " + address);
        }
    }

    /** A host route: /32 or /128. */
    public static Prefix host(IpAddress address) {
        return new Prefix(address, address.family().bits());
    }

    @Override
    public String toString() {
        return address + "/" + length;
    }
}
