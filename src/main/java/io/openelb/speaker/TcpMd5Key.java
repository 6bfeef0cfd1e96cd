package io.openelb.speaker;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** A BGP session's TCP MD5 password (RFC 2385). Never printed: toString hides it, so logs cannot leak it. */
final class TcpMd5Key {
    /** Linux's TCP_MD5SIG_MAXKEYLEN. */
    static final int MAX_BYTES = 80;

    private final byte[] bytes;

    TcpMd5Key(String password) {
        this.bytes = password.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("the TCP MD5 password must be 1 to " + MAX_BYTES + " bytes long");
        }
    }

    byte[] bytes() {
        return bytes.clone();
    }

    static boolean sameKeys(Map<InetAddress, byte[]> a, Map<InetAddress, byte[]> b) {
        return a.size() == b.size() && a.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), b.get(e.getKey())));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpMd5Key other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "(password hidden)";
    }
}
