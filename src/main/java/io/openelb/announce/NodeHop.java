package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;

/**
 * A node as a next hop: its addresses (InternalIPs; null where it has none of a family) and the path
 * identifier its paths carry where ADD-PATH is in use.
 */
public record NodeHop(String name, long pathId, IpAddress ipv4, IpAddress ipv6) {
    public IpAddress address(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4 : ipv6;
    }

    /**
     * The node's path identifier: its IPv4 address as a number (unique per node, and readable in a
     * router's "path id" column), or for an IPv6-only node a hash of its name.
     */
    public static long pathId(String name, IpAddress ipv4) {
        if (ipv4 != null) {
            return ipv4.value().longValue();
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
