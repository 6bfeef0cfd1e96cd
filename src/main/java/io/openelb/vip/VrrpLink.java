package io.openelb.vip;

import io.openelb.layer2.wire.Frames;
import io.openelb.layer2.wire.MacAddress;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpAdvert;
import io.openelb.vrrp.VrrpFrames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One interface's VRRP traffic: a capture handle (pcap) that receives the advertisements of both
 * families sent by others (never this node's own) and sends this node's advertisements and its gratuitous
 * ARP / unsolicited Neighbor Advertisements. Joins 224.0.0.18 and ff02::12 on the interface so that the
 * NIC lets the groups' frames in.
 *
 * <p>The handle reads inbound frames only, so on an Ethernet NIC this node's own advertisements are not
 * captured. On the loopback interface they are: the kernel hands each sent frame back as an inbound one.
 * Every parsed advertisement is handed on; checking TTL and ownership is the caller's job. Frames that do not
 * parse are counted ({@link #malformed}) and logged at most once a minute per distinct reason.
 *
 * <p>Threads: {@link #open} and every method may be called from a Vert.x context; blocking work runs on
 * a worker, and {@code onAdvert} is called on the context that called {@link #open}. A thread of its own reads
 * the handle ({@link VrrpCapture}).
 */
public final class VrrpLink {
    private static final Path SYS_NET = Path.of("/sys/class/net");
    /**
     * How often the interface's addresses and MAC are read again. Reading them enumerates every interface of
     * the host (0.04 ms with 2, 0.8 ms with 200: a node with 100 Pods), and each group's instance asks 5 times a
     * second for its checks and again for each advertisement; a changed address is seen within this period.
     */
    static final long REREAD_NANOS = 1_000_000_000L;

    private final Vertx vertx;
    private final String iface;
    /** Its flags are read by name on each {@link #up} call; its index is the one the handle is bound to. */
    private final NetworkInterface opened;
    private final VrrpCapture capture;
    /** The interface's addresses and MAC as last read; null when it has no address (or is gone). */
    private final ThrottledRead<Nic> nic = new ThrottledRead<>(this::readNic, REREAD_NANOS, System::nanoTime);
    private Future<Void> closing;

    private record Nic(List<SourceAddresses.Assigned> assigned, MacAddress mac) {}

    private VrrpLink(Vertx vertx, NetworkInterface opened, VrrpCapture capture) {
        this.vertx = vertx;
        this.iface = opened.getName();
        this.opened = opened;
        this.capture = capture;
    }

    /** Opens the link on {@code iface}; fails with a message naming the interface when it cannot. */
    public static Future<VrrpLink> open(Vertx vertx, String iface, Consumer<VrrpFrames.Captured> onAdvert) {
        return open(vertx, iface, onAdvert, VrrpFrames::parse);
    }

    /** {@link #open(Vertx, String, Consumer)} with another frame parser (tests). */
    static Future<VrrpLink> open(Vertx vertx, String iface, Consumer<VrrpFrames.Captured> onAdvert,
            VrrpCapture.FrameParser parser) {
        Context context = vertx.getOrCreateContext();
        Consumer<VrrpFrames.Captured> deliver = captured -> context.runOnContext(v -> onAdvert.accept(captured));
        return vertx.executeBlocking(() -> {
            NetworkInterface nic = NetworkInterface.getByName(iface);
            if (nic == null) {
                // NetworkInterface lists only interfaces that have an address
                throw new IOException(Files.exists(SYS_NET.resolve(iface)) ? "interface " + iface + " has no IP address"
                        : "interface " + iface + " does not exist");
            }
            return new VrrpLink(vertx, nic, VrrpCapture.open(nic, parser, deliver));
        }, false);
    }

    public String iface() {
        return iface;
    }

    /**
     * This node's source address for the family on the interface, as read at most {@link #REREAD_NANOS} ago
     * (addresses change): IPv4 the first IPv4 address, IPv6 the link-local one (RFC 5798 5.1.2.1); null when
     * none. See {@link SourceAddresses} for which IPv4 address is the first.
     */
    public IpAddress primary(IpFamily family) {
        try {
            Nic now = nic.get();
            return now == null ? null : SourceAddresses.primary(family, now.assigned());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether the interface is up (administratively and with carrier), read again on each call. Also false once
     * the interface was deleted or recreated since {@link #open}: the handle is bound to the old one, so the
     * link stays down for good and must be opened again. Cheap (one ioctl, one sysfs read).
     */
    public boolean up() {
        return problem() == null;
    }

    /**
     * Whether an interface of this name exists again but is not the one the handle is bound to (deleted and
     * created again, e.g. a VLAN or bond rebuilt): this link never works again, open a new one. Cheap.
     */
    public boolean recreated() {
        String index = currentIndex();
        return index != null && !index.equals(openedIndex()); // gone: wait until it is back
    }

    /** Sends one advertisement from {@link #primary} of the advertisement's family. */
    public Future<Void> send(VrrpAdvert advert) {
        IpFamily family = advert.addresses().get(0).family();
        return sendFrom(family, (source, mac) -> VrrpFrames.advert(advert, source, mac.toBytes()));
    }

    /** Builds an advertisement's frame from the source address and the MAC it is sent with. */
    interface AdvertBuilder {
        byte[] frame(IpAddress source, MacAddress mac);
    }

    /** {@link #send} with another frame builder (tests). */
    Future<Void> sendFrom(IpFamily family, AdvertBuilder build) {
        return vertx.executeBlocking(() -> {
            String what = "a VRRP advertisement";
            Nic now = usable(what);
            IpAddress source = SourceAddresses.primary(family, now.assigned());
            if (source == null) {
                throw new IOException(cannotSend(what, family == IpFamily.IPV4 ? "the interface has no IPv4 address"
                        : "the interface has no IPv6 link-local address"));
            }
            inject(build.frame(source, now.mac()), what);
            return null;
        }, false);
    }

    /** Sends one gratuitous ARP (IPv4) or unsolicited Neighbor Advertisement (IPv6) for the address. */
    public Future<Void> announce(IpAddress address) {
        return vertx.executeBlocking(() -> {
            String what = "an announcement of " + address;
            inject(Frames.announcement(address, usable(what).mac()), what);
            return null;
        }, false);
    }

    /**
     * How many captured frames were no valid VRRP v3 advertisement since {@link #open}, for a metric (a peer
     * speaking VRRP v2, a broken or hostile sender); any thread.
     */
    public long malformed() {
        return capture.malformed();
    }

    /**
     * Stops reading, closes the handle and leaves the groups; sends fail from the call on. Idempotent: every call
     * returns the same future.
     */
    public synchronized Future<Void> close() {
        if (closing == null) {
            capture.stop();
            closing = vertx.executeBlocking(() -> {
                capture.awaitStopped();
                return null;
            }, false);
        }
        return closing;
    }

    /** The interface as it is now, when it is up and still the one the handle is bound to. */
    private Nic usable(String what) throws IOException {
        String problem = problem();
        Nic now = problem == null ? nic.get() : null;
        if (now == null) {
            throw new IOException(cannotSend(what, problem == null ? "the interface has no IP address" : problem));
        }
        return now;
    }

    /** Why the link cannot be used now, or null. */
    private String problem() {
        String index = currentIndex();
        if (index == null) {
            return "the interface is gone";
        }
        if (!index.equals(openedIndex())) {
            return "the interface was recreated since the link was opened";
        }
        try {
            return opened.isUp() ? null : "the interface is down or has no carrier";
        } catch (IOException e) {
            return "the interface is gone";
        }
    }

    private String openedIndex() {
        return Integer.toString(opened.getIndex());
    }

    /** The index of the interface of this name now (one sysfs read), null when there is none. */
    private String currentIndex() {
        try {
            return Files.readString(SYS_NET.resolve(iface).resolve("ifindex")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private Nic readNic() throws SocketException {
        NetworkInterface now = NetworkInterface.getByName(iface);
        return now == null ? null : new Nic(assigned(now), mac(now));
    }

    private void inject(byte[] frame, String what) throws IOException {
        try {
            capture.send(frame);
        } catch (IOException e) {
            throw new IOException(cannotSend(what, e.getMessage()), e);
        }
    }

    private String cannotSend(String what, String why) {
        return "cannot send " + what + " on " + iface + ": " + why;
    }

    /** The interface's MAC; the loopback interface has none, and frames there carry zeros. */
    private static MacAddress mac(NetworkInterface nic) throws SocketException {
        byte[] mac = nic.getHardwareAddress();
        return MacAddress.of(mac != null && mac.length == 6 ? mac : new byte[6]);
    }

    private static List<SourceAddresses.Assigned> assigned(NetworkInterface nic) {
        return nic.getInterfaceAddresses().stream()
                .map(a -> new SourceAddresses.Assigned(IpAddress.ofBytes(a.getAddress().getAddress()),
                        a.getNetworkPrefixLength()))
                .toList();
    }
}
