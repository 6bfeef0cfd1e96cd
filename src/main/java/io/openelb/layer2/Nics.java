package io.openelb.layer2;

import io.openelb.announce.InterfaceSpec;
import io.openelb.layer2.wire.MacAddress;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;

/**
 * Finds the interface an Eip names on this node. {@code can_reach:<ip>} asks the kernel's routing table
 * through a connected UDP socket: connecting sends nothing, and the socket's local address is the one
 * the route to that IP would use.
 */
final class Nics {
    private Nics() {}

    /** The interface, or the reason this node has none (ready for an Event). */
    record Lookup(Nic nic, String problem) {}

    static Lookup find(String spec) {
        InterfaceSpec parsed;
        try {
            parsed = InterfaceSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            return new Lookup(null, e.getMessage());
        }
        try {
            if (parsed instanceof InterfaceSpec.Named n) {
                return byName(n.name(), "interface " + n.name() + " does not exist");
            }
            return byRoute((InterfaceSpec.CanReach) parsed);
        } catch (IOException e) {
            return new Lookup(null, "cannot read interface " + spec + ": " + e.getMessage());
        }
    }

    private static Lookup byRoute(InterfaceSpec.CanReach r) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(InetAddress.getByAddress(r.address().toBytes()), 9);
            InetAddress local = socket.getLocalAddress();
            NetworkInterface iface = local == null || local.isAnyLocalAddress() ? null
                    : NetworkInterface.getByInetAddress(local);
            if (iface == null) {
                return new Lookup(null, "no route reaches " + r.address());
            }
            return byName(iface.getName(), "no interface reaches " + r.address());
        } catch (java.io.UncheckedIOException | java.net.SocketException e) {
            return new Lookup(null, "no route reaches " + r.address() + ": " + e.getMessage());
        }
    }

    private static Lookup byName(String name, String missing) throws IOException {
        NetworkInterface iface = NetworkInterface.getByName(name);
        if (iface == null) {
            return new Lookup(null, missing);
        }
        byte[] mac = iface.getHardwareAddress();
        if (mac == null || mac.length != 6) {
            return new Lookup(null, "interface " + name + " has no Ethernet address");
        }
        if (!iface.isUp()) {
            return new Lookup(null, "interface " + name + " is down");
        }
        return new Lookup(new Nic(name, MacAddress.of(mac)), "");
    }
}
