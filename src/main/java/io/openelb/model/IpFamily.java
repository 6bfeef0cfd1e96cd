package io.openelb.model;

/** IPv4 or IPv6, with its address width in bits. */
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
