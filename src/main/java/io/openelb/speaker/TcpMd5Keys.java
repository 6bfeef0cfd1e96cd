package io.openelb.speaker;

import io.openelb.model.IpAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The TCP MD5 keys of the BGP peers, by peer address, shared between the speaker (which sets them from
 * the BgpPeers) and {@link TcpMd5Transport} (which puts them on new BGP sockets, on Netty threads).
 */
public final class TcpMd5Keys {
    private volatile Map<InetAddress, byte[]> keys = Map.of();
    private volatile int listenPort;
    private volatile String unsupported;

    /** The Vert.x transport that applies these keys, or empty where epoll is missing (then MD5 peers are refused). */
    public Optional<io.vertx.core.transport.Transport> transport() {
        return Optional.ofNullable(TcpMd5Transport.ifAvailable(this));
    }

    /** Why MD5 cannot be used in this process, or null if it can. */
    String unsupportedReason() {
        return unsupported;
    }

    void unsupported(String why) {
        unsupported = why;
    }

    /** Replaces the keys; true if they changed (a listener must then be reopened to take them). */
    boolean set(Map<IpAddress, TcpMd5Key> byPeer) {
        Map<InetAddress, byte[]> next = new HashMap<>();
        byPeer.forEach((address, key) -> next.put(inet(address), key.bytes()));
        boolean changed = !TcpMd5Key.sameKeys(keys, next);
        keys = Map.copyOf(next);
        return changed;
    }

    Map<InetAddress, byte[]> snapshot() {
        return keys;
    }

    int listenPort() {
        return listenPort;
    }

    void listenPort(int port) {
        listenPort = port;
    }

    private static InetAddress inet(IpAddress address) {
        try {
            return InetAddress.getByName(address.toString()); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
