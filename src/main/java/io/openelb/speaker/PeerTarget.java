package io.openelb.speaker;

import io.openelb.bfd.BfdProfile;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.model.IpAddress;

/**
 * One BGP session this node's speaker should run: the router's address and port, the TCP MD5 key (null
 * for none; it prints hidden), the IP TTL of its packets (0: the system's default), and the session's
 * settings, and BFD with the router (null for none).
 */
record PeerTarget(String name, IpAddress address, int port, TcpMd5Key md5, int ttl, SessionConfig config,
        BfdProfile bfd) {
    /** Without BFD. */
    PeerTarget(String name, IpAddress address, int port, TcpMd5Key md5, int ttl, SessionConfig config) {
        this(name, address, port, md5, ttl, config, null);
    }

    /** The same session with these BFD settings (null: none). */
    PeerTarget withBfd(BfdProfile profile) {
        return new PeerTarget(name, address, port, md5, ttl, config, profile);
    }
}
