package io.openelb.vip;

import io.openelb.announce.InterfaceSpec;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;

/**
 * The interface {@code --vip-interface} names on this node. {@code can_reach:<ip>} asks the kernel's routing
 * table through a connected UDP socket, as the Layer 2 half does for Eips: connecting sends nothing, and the
 * socket's local address is the one the route to that IP would use. Blocking: call on a worker.
 */
final class InterfaceLookup {
    private InterfaceLookup() {}

    /** The interface's name; fails with a message naming what is missing. */
    static String find(InterfaceSpec spec) throws IOException {
        String name = spec instanceof InterfaceSpec.Named named ? named.name() : byRoute((InterfaceSpec.CanReach) spec);
        if (NetworkInterface.getByName(name) == null) {
            throw new IOException("interface " + name + " does not exist");
        }
        return name;
    }

    private static String byRoute(InterfaceSpec.CanReach spec) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(InetAddress.getByAddress(spec.address().toBytes()), 9);
            InetAddress local = socket.getLocalAddress();
            NetworkInterface iface = local == null || local.isAnyLocalAddress() ? null
                    : NetworkInterface.getByInetAddress(local);
            if (iface == null) {
                throw new IOException("no route reaches " + spec.address());
            }
            return iface.getName();
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("no route reaches " + spec.address() + ": " + e.getMessage(), e);
        }
    }
}
