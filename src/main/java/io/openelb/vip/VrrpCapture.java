package io.openelb.vip;

import io.openelb.layer2.wire.MacAddress;
import io.openelb.vrrp.VrrpFormatException;
import io.openelb.vrrp.VrrpFrames;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture handle of one {@link VrrpLink}: a libpcap handle in immediate mode, inbound frames only, filtered
 * to IP protocol 112 in the kernel, read by a thread of its own that parses each frame and hands the
 * advertisement on; frames that do not parse are counted and logged through a {@link MalformedLog}. Also the
 * membership of the VRRP groups on the interface, kept while the handle is open.
 *
 * <p>Threads: {@link #open}, {@link #send} and {@link #awaitStopped} block and run on a worker, {@link #stop}
 * on any thread; the capture thread reads, delivers, and closes the handle and the group socket as it ends.
 */
final class VrrpCapture {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpCapture.class);
    /** A whole Ethernet frame with a VLAN tag; an advertisement is far shorter. */
    private static final int SNAPLEN = 1518;
    private static final int READ_TIMEOUT_MILLIS = 50;
    /** How long a close waits for the capture thread; libpcap 1.10 wakes a blocked read at once. */
    private static final long STOP_MILLIS = 1000;
    private static final long RETRY_MILLIS = 200;
    /** RFC 5798 5.1.1.2 and 5.1.2.2: the groups advertisements are sent to. */
    private static final List<String> GROUPS = List.of("224.0.0.18", "ff02::12");

    /** Parses one captured frame: {@link VrrpFrames#parse}, or a test's stand-in. */
    interface FrameParser {
        VrrpFrames.Captured parse(byte[] frame) throws VrrpFormatException;
    }

    private final String iface;
    private final PcapHandle handle;
    private final DatagramChannel groups;
    private final Thread thread;
    private final MalformedLog malformed = new MalformedLog(System::nanoTime);
    private volatile boolean running = true;

    private VrrpCapture(String iface, PcapHandle handle, DatagramChannel groups, FrameParser parser,
            Consumer<VrrpFrames.Captured> deliver) {
        this.iface = iface;
        this.handle = handle;
        this.groups = groups;
        this.thread = new Thread(() -> capture(parser, deliver), "openelb-vrrp-" + iface);
        thread.setDaemon(true);
    }

    /** Opens the handle on the interface, joins the groups and starts reading; {@code deliver} gets each advert. */
    static VrrpCapture open(NetworkInterface nic, FrameParser parser, Consumer<VrrpFrames.Captured> deliver)
            throws IOException {
        String iface = nic.getName();
        VrrpCapture capture = new VrrpCapture(iface, openHandle(iface), joinGroups(iface, nic), parser, deliver);
        capture.thread.start();
        return capture;
    }

    /** Sends one whole frame; fails once {@link #stop} was called, even while the handle is still open. */
    void send(byte[] frame) throws IOException {
        if (!running) {
            throw new IOException("the link is closed");
        }
        try {
            handle.sendPacket(frame);
        } catch (NotOpenException e) {
            throw new IOException("the link is closed", e);
        } catch (PcapNativeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** How many captured frames did not parse; any thread. */
    long malformed() {
        return malformed.count();
    }

    /** Stops at once: sends fail from now on, and a blocked read wakes (pcap_breakloop). Does not block. */
    void stop() {
        running = false;
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            LOG.debug("capture handle on {} already closed", iface);
        }
    }

    /** Waits for the capture thread, which closes the handle and the group socket as it ends; blocks. */
    void awaitStopped() throws InterruptedException {
        thread.join(STOP_MILLIS);
        if (thread.isAlive()) {
            LOG.warn("the capture thread on {} did not stop within {} ms; it closes the handle when it does", iface,
                    STOP_MILLIS);
        }
    }

    private static PcapHandle openHandle(String iface) throws IOException {
        PcapHandle handle;
        try {
            handle = new PcapHandle.Builder(iface)
                    .snaplen(SNAPLEN)
                    .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(READ_TIMEOUT_MILLIS)
                    .immediateMode(true) // an advertisement is timing: no waiting in a capture buffer
                    .direction(PcapHandle.PcapDirection.IN) // not this node's own advertisements
                    .build();
        } catch (PcapNativeException e) {
            throw new IOException("cannot capture on interface " + iface + ": " + e.getMessage(), e);
        }
        try {
            if (!DataLinkType.EN10MB.equals(handle.getDlt())) {
                throw new IOException("interface " + iface + " is not an Ethernet interface (" + handle.getDlt() + ")");
            }
            handle.setFilter(VrrpFrames.CAPTURE_FILTER, BpfCompileMode.OPTIMIZE);
            return handle;
        } catch (PcapNativeException | NotOpenException | IOException e) {
            handle.close();
            throw e instanceof IOException io ? io
                    : new IOException("cannot filter the capture on interface " + iface + ": " + e.getMessage(), e);
        }
    }

    /**
     * Joins both groups by interface index (an IPv6 socket joins IPv4 groups too, whether or not the interface
     * has an IPv4 address yet). A group not joined is no error: a NIC without a multicast filter lets it in
     * anyway, and the IPv6 one fails on an interface without IPv6. Returns null when no socket could be opened.
     */
    private static DatagramChannel joinGroups(String iface, NetworkInterface nic) {
        DatagramChannel channel;
        try {
            channel = openGroupSocket();
        } catch (IOException e) {
            LOG.warn("cannot join the VRRP groups on {} (a NIC may filter advertisements out): {}", iface,
                    e.toString());
            return null;
        }
        for (String group : GROUPS) {
            try {
                channel.join(InetAddress.getByName(group), nic);
            } catch (IOException | IllegalArgumentException e) {
                LOG.debug("VRRP group {} not joined on {}: {}", group, iface, e.toString());
            }
        }
        return channel;
    }

    private static DatagramChannel openGroupSocket() throws IOException {
        try {
            return DatagramChannel.open(StandardProtocolFamily.INET6);
        } catch (UnsupportedOperationException e) {
            return DatagramChannel.open(StandardProtocolFamily.INET); // IPv6 is off on this host
        }
    }

    private void capture(FrameParser parser, Consumer<VrrpFrames.Captured> deliver) {
        boolean failing = false;
        try {
            while (running) {
                try {
                    receive(handle.getNextRawPacketEx(), parser, deliver);
                    failing = false;
                } catch (TimeoutException | EOFException e) {
                    // no frame within the read timeout, or a close woke the read (pcap_breakloop)
                } catch (PcapNativeException e) {
                    // the interface went down or away: try again, logging once per streak of failures
                    if (running && !failing) {
                        LOG.warn("capture on {} failed, retrying: {}", iface, e.getMessage());
                    }
                    failing = true;
                    pause();
                }
            }
        } catch (NotOpenException e) {
            LOG.debug("capture handle on {} closed", iface);
        } finally {
            handle.close();
            closeGroups();
        }
    }

    private void receive(byte[] frame, FrameParser parser, Consumer<VrrpFrames.Captured> deliver) {
        try {
            deliver.accept(parser.parse(frame));
        } catch (VrrpFormatException | RuntimeException e) {
            String message = e instanceof VrrpFormatException ? e.getMessage() : "cannot parse: " + e;
            String line = malformed.record(message);
            if (line != null) {
                LOG.warn("malformed VRRP frame on {} from {}: {}", iface, sender(frame), line);
            }
        }
    }

    /** The Ethernet source, to find the sender of malformed frames. */
    private static String sender(byte[] frame) {
        return frame.length < 12 ? "?" : MacAddress.of(Arrays.copyOfRange(frame, 6, 12)).toString();
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeGroups() {
        if (groups != null) {
            try {
                groups.close();
            } catch (IOException e) {
                LOG.debug("cannot close the VRRP group socket on {}: {}", iface, e.toString());
            }
        }
    }
}
