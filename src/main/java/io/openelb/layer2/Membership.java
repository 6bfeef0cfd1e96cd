package io.openelb.layer2;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.stack.Protocol;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speakers' group membership: a JGroups channel over TCP bound to this node's address, discovery
 * seeded from the other nodes' addresses, agreed views installed by the coordinator.
 *
 * <p>Failure detection: FD_SOCK2 keeps a TCP connection to the next member of the ring, so a killed
 * process (its kernel closes the socket) is suspected at once; FD_ALL3 heartbeats catch a hung process
 * or a cut link within {@code failureTimeout}; VERIFY_SUSPECT2 double-checks a suspicion for a short time
 * before the coordinator installs the view without the member. MERGE3 joins the views of a healed
 * partition.
 *
 * <p>Secrecy: SYM_ENCRYPT with an AES key derived from the shared secret, SERIALIZE above it so the
 * headers of GMS (joins, views), NAKACK2 and UNICAST3 travel encrypted too: a process without the secret
 * cannot join or change the view. The headers of the protocols below it (transport, discovery, failure
 * detection) are not encrypted.
 *
 * <p>Threads: {@link #start} blocks (join) and runs on a worker; the listener is called on JGroups
 * threads; {@link #publish} hands the send to a single sender thread.
 */
final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    static final String CLUSTER = "openelb-layer2";

    /** What the verticle hears from the group. */
    interface Listener {
        /** A new view: the node names of its members. */
        void view(Set<String> nodes);

        /** A member reported the Layer 2 pools whose interface it lacks. */
        void unservable(String node, Set<String> pools);
    }

    /**
     * Where and how to join.
     *
     * @param seeds addresses (with the membership port) of every node's speaker, this one included
     */
    record Settings(String nodeName, InetAddress bind, int port, List<InetSocketAddress> seeds, byte[] secret,
            Duration failureTimeout) {}

    private final Settings settings;
    private final Listener listener;
    private final ExecutorService sender;
    private volatile JChannel channel;

    Membership(Settings settings, Listener listener) {
        this.settings = settings;
        this.listener = listener;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "openelb-l2-membership-send");
            t.setDaemon(true);
            return t;
        });
    }

    Settings settings() {
        return settings;
    }

    /** Builds the stack and joins the group; blocks until this member is in a view. */
    void start() throws Exception {
        JChannel ch = new JChannel(protocols());
        ch.setName(settings.nodeName());
        ch.setDiscardOwnMessages(true);
        ch.setReceiver(new Reports());
        channel = ch;
        ch.connect(CLUSTER);
    }

    /** The JGroups stack: TCP with the speakers as seeds, failure detection tuned to the failure timeout. */
    private Protocol[] protocols() {
        long timeout = settings.failureTimeout().toMillis();
        TCP tcp = new TCP();
        tcp.setBindAddress(settings.bind());
        tcp.setBindPort(settings.port());
        tcp.setPortRange(0);
        TCPPING discovery = new TCPPING();
        discovery.setInitialHosts(settings.seeds());
        discovery.setPortRange(0);
        FD_ALL3 heartbeats = new FD_ALL3();
        heartbeats.setTimeout(timeout);
        heartbeats.setInterval(Math.max(100, timeout / 4));
        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
        verify.setTimeout(Math.max(100, timeout / 8));
        MERGE3 merge = new MERGE3();
        merge.setMinInterval(2000);
        merge.setMaxInterval(5000);
        SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
        encrypt.setSecretKey(new SecretKeySpec(Arrays.copyOf(sha256(settings.secret()), 16), "AES"));
        encrypt.symKeylength(128);
        GMS gms = new GMS();
        gms.setJoinTimeout(Math.max(500, timeout));
        gms.setMaxJoinAttempts(3);
        // a dead member does not ack a view; the default waits 2 s for its ack
        gms.setViewAckCollectionTimeout(Math.max(100, timeout / 4));
        gms.setLeaveTimeout(500);
        FD_SOCK2 sockets = new FD_SOCK2();
        // bound to the node's address: listening on every address, its connect handshake failed after a
        // 1 s timeout here, and detection fell back to the heartbeats
        sockets.setBindAddress(settings.bind());
        return new Protocol[] {tcp, discovery, merge, sockets, heartbeats, verify, encrypt, new SERIALIZE(),
            new NAKACK2(), new UNICAST3(), new STABLE(), gms};
    }

    /** Views and the other nodes' reports of the pools they cannot serve, to the listener. */
    private final class Reports implements Receiver {
        @Override
        public void viewAccepted(View view) {
            Set<String> nodes = new TreeSet<>();
            for (Address member : view.getMembers()) {
                nodes.add(name(member));
            }
            LOG.info("membership view {}: {}", view.getViewId(), nodes);
            listener.view(nodes);
        }

        @Override
        public void receive(Message msg) {
            String[] parts = new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8)
                    .split("\n", -1);
            if (parts.length == 2) {
                Set<String> pools = new LinkedHashSet<>();
                for (String p : parts[1].split(",")) {
                    if (!p.isEmpty()) {
                        pools.add(p);
                    }
                }
                listener.unservable(parts[0], pools);
            }
        }
    }

    /** Tells every member which Layer 2 pools this node cannot serve (it lacks their interface). */
    void publish(Collection<String> unservablePools) {
        byte[] payload = (settings.nodeName() + "\n" + String.join(",", new TreeSet<>(unservablePools)))
                .getBytes(StandardCharsets.UTF_8);
        sender.execute(() -> {
            JChannel ch = channel;
            if (ch == null || !ch.isConnected()) {
                return;
            }
            try {
                ch.send(new BytesMessage(null, payload));
            } catch (Exception e) {
                LOG.warn("cannot tell the group which pools this node lacks: {}", e.toString());
            }
        });
    }

    /**
     * How often this member, as a coordinator, found another view among the members it can reach and asked
     * its group to merge with it (MERGE3's merge events); 0 before {@link #start}.
     */
    int mergeAttempts() {
        JChannel ch = channel;
        return ch == null ? 0 : ch.getProtocolStack().<MERGE3>findProtocol(MERGE3.class).getNumMergeEvents();
    }

    private static String name(Address member) {
        String name = NameCache.get(member);
        return name == null ? member.toString() : name;
    }

    private static byte[] sha256(byte[] secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Leaves the group (the others install a view without this node at once) and closes the channel. */
    @Override
    public void close() {
        sender.shutdownNow();
        JChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }
}
