package io.openelb.layer2.wire;

import java.util.Arrays;
import java.util.HexFormat;

/** A 48-bit Ethernet address. Immutable: the bytes are copied in and out. */
public final class MacAddress {
    public static final MacAddress BROADCAST = of(new byte[] {-1, -1, -1, -1, -1, -1});
    private static final HexFormat HEX = HexFormat.ofDelimiter(":");
    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MacAddress of(byte[] bytes) {
        if (bytes == null || bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
        return new MacAddress(bytes.clone());
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff}. */
    public static MacAddress parse(String text) {
        return of(HEX.parseHex(text.toLowerCase(java.util.Locale.ROOT)));
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    void copyTo(byte[] frame, int offset) {
        System.arraycopy(bytes, 0, frame, offset, 6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
