package io.openelb.layer2;

import io.openelb.layer2.wire.CaptureFilter;
import io.openelb.layer2.wire.Frames;
import io.openelb.layer2.wire.MacAddress;
import io.openelb.layer2.wire.NeighborRequest;
import io.openelb.metrics.Layer2Metrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers ARP requests and Neighbor Solicitations for the addresses it is given, on one interface, with
 * that interface's MAC. A libpcap handle in immediate mode, inbound only, with a kernel BPF filter for
 * the owned targets, read by its own thread; the addresses are a volatile set checked per packet, so
 * {@link #answerFor} takes effect for the next packet (the filter follows within one poll interval).
 * No log line per packet: counters only.
 *
 * <p>Threads: the constructor (it opens the handle and compiles a filter) and {@link #close} (it joins the
 * capture thread) block and run on a worker; {@link #answerFor} and {@link #announce} from the verticle (or
 * its timers); the capture thread reads and answers.
 */
final class Responder implements Answerer {
    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);
    /** How long a read waits for a packet before it looks at a new filter or a stop. */
    private static final int POLL_MILLIS = 50;

    private final Nic nic;
    private final Layer2Metrics metrics;
    private final PcapHandle handle;
    private final Thread thread;
    private final AtomicReference<String> pendingFilter = new AtomicReference<>();
    private final Object sendLock = new Object();
    private volatile Set<IpAddress> owned = Set.of();
    private volatile boolean running = true;
    /** Solicitations go to the solicited-node group of the target: join it so a real NIC lets them in. */
    private DatagramChannel groups;
    private final Map<IpAddress, MembershipKey> joined = new HashMap<>();

    Responder(Nic nic, Layer2Metrics metrics) throws PcapNativeException {
        this.nic = nic;
        this.metrics = metrics;
        this.handle = new PcapHandle.Builder(nic.name())
                .snaplen(256)
                .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(POLL_MILLIS)
                .immediateMode(true) // otherwise answers wait for the capture buffer timeout
                .direction(PcapHandle.PcapDirection.IN)
                .build();
        try {
            handle.setFilter(CaptureFilter.NOTHING, BpfCompileMode.OPTIMIZE);
        } catch (Exception e) {
            handle.close();
            throw new IllegalStateException("cannot set a capture filter on " + nic.name() + ": " + e.getMessage(), e);
        }
        thread = new Thread(this::capture, "openelb-l2-" + nic.name());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Nic nic() {
        return nic;
    }

    /** Answers for exactly these addresses from the next packet on. */
    @Override
    public void answerFor(Set<IpAddress> addresses) {
        if (addresses.equals(owned)) {
            return;
        }
        Set<IpAddress> copy = Set.copyOf(addresses);
        owned = copy;
        pendingFilter.set(CaptureFilter.of(copy, nic.mac()));
        wake();
        joinSolicitedNodeGroups(copy);
    }

    /**
     * Makes a read blocked in libpcap return (pcap_breakloop; libpcap 1.10 wakes a blocked poll), so the
     * capture thread applies a new filter now: an immediate-mode read may wait for a packet forever, and
     * the new filter is what lets the first request for a gained address through.
     */
    private void wake() {
        try {
            handle.breakLoop();
        } catch (Exception e) {
            LOG.debug("cannot wake the capture thread on {}: {}", nic.name(), e.toString());
        }
    }

    /** Sends one gratuitous ARP / unsolicited NA for an address (only while it is owned). */
    @Override
    public void announce(IpAddress address) {
        if (!owned.contains(address)) {
            return;
        }
        send(Frames.announcement(address, nic.mac()));
        metrics.announced(address.family());
    }

    private void capture() {
        warmUp();
        while (running) {
            try {
                String filter = pendingFilter.getAndSet(null);
                if (filter != null) {
                    handle.setFilter(filter, BpfCompileMode.OPTIMIZE);
                }
                byte[] frame = handle.getNextRawPacket();
                if (frame == null) {
                    continue; // poll timeout
                }
                NeighborRequest request = Frames.parse(frame);
                if (request == null) {
                    continue;
                }
                metrics.request(request.target().family());
                if (owned.contains(request.target())) {
                    send(Frames.answer(request, nic.mac()));
                    metrics.answered(request.target().family());
                }
            } catch (Exception e) {
                if (running) {
                    LOG.warn("capture on {} failed: {}", nic.name(), e.toString());
                    sleepQuietly();
                }
            }
        }
    }

    /** The first parse and frame build cost milliseconds in a cold JVM; pay that before the first request. */
    private static void warmUp() {
        MacAddress mac = MacAddress.parse("02:00:00:00:00:01");
        for (String a : new String[] {"192.0.2.1", "2001:db8::1"}) {
            byte[] frame = Frames.announcement(IpAddress.parse(a), mac);
            for (int i = 0; i < 2000; i++) {
                Frames.parse(frame);
                Frames.answer(new NeighborRequest(IpAddress.parse(a), mac, IpAddress.parse(a)), mac);
            }
        }
    }

    private void send(byte[] frame) {
        synchronized (sendLock) {
            try {
                handle.sendPacket(frame);
            } catch (Exception e) {
                LOG.warn("cannot send on {}: {}", nic.name(), e.toString());
            }
        }
    }

    private void joinSolicitedNodeGroups(Set<IpAddress> addresses) {
        try {
            NetworkInterface iface = NetworkInterface.getByName(nic.name());
            if (groups == null) {
                if (addresses.stream().noneMatch(a -> a.family() == IpFamily.IPV6)) {
                    return;
                }
                groups = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(0));
            }
            for (IpAddress a : Set.copyOf(joined.keySet())) {
                if (!addresses.contains(a)) {
                    joined.remove(a).drop();
                }
            }
            for (IpAddress a : addresses) {
                if (a.family() == IpFamily.IPV6 && !joined.containsKey(a)) {
                    InetAddress group = Inet6Address.getByAddress(Frames.solicitedNodeGroup(a).toBytes());
                    joined.put(a, groups.join(group, iface));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot join solicited-node groups on {} (IPv6 requests may not arrive): {}", nic.name(),
                    e.toString());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops answering at once, then stops the thread and closes the handle. */
    @Override
    public void close() {
        owned = Set.of();
        running = false;
        wake();
        try {
            thread.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handle.close();
        if (groups != null) {
            try {
                groups.close();
            } catch (IOException ignored) {
                // closing drops the memberships; nothing else to undo
            }
        }
    }
}
