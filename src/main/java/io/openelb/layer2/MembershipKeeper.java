package io.openelb.layer2;

import io.openelb.metrics.Layer2Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node in the speakers' {@link Membership}: joins, rejoins when the bind address or the secret
 * changes, follows the views and the other nodes' reports of the pools they cannot serve, and tells the
 * others this node's own. {@code changed} runs whenever any of that changed, so the plan runs again.
 *
 * <p>Threads: every method on the verticle's context; a channel's join and close run on a worker, and
 * its reports are brought back to the context (those of a channel being replaced are dropped).
 */
final class MembershipKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipKeeper.class);
    /** After a failed join, the plan (and so the join) runs again this much later. */
    private static final long RETRY_JOIN_MILLIS = 2000;

    private final Context context;
    private final String nodeName;
    private final int port;
    private final Duration failureTimeout;
    private final Layer2Metrics metrics;
    private final Runnable changed;
    private Membership membership;
    private boolean starting;
    private boolean inView;
    private Set<String> live = Set.of();
    /** Pools each other node reported it cannot serve. */
    private final Map<String, Set<String>> unservable = new HashMap<>();
    private Set<String> published;

    MembershipKeeper(Context context, String nodeName, int port, Duration failureTimeout, Layer2Metrics metrics,
            Runnable changed) {
        this.context = context;
        this.nodeName = nodeName;
        this.port = port;
        this.failureTimeout = failureTimeout;
        this.metrics = metrics;
        this.changed = changed;
    }

    /** Whether this node is in the current view. */
    boolean inView() {
        return inView;
    }

    /** Node names in the current view (empty when not a member). */
    Set<String> live() {
        return live;
    }

    /**
     * Joins with these settings, unless a channel with the same address and secret runs or starts.
     *
     * @param nodeAddresses every node's InternalIP; those of the bind address's family seed the discovery
     */
    void ensure(InetAddress bind, List<InetAddress> nodeAddresses, byte[] secret) {
        if (starting) {
            return;
        }
        if (membership != null) {
            Membership.Settings s = membership.settings();
            if (s.bind().equals(bind) && Arrays.equals(s.secret(), secret)) {
                return;
            }
            LOG.info("membership address or secret changed: rejoining");
            leave();
        }
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (InetAddress a : nodeAddresses) {
            if (a.getClass() == bind.getClass()) {
                seeds.add(new InetSocketAddress(a, port));
            }
        }
        join(new Membership.Settings(nodeName, bind, port, seeds, secret, failureTimeout));
    }

    /**
     * Tells the others which pools this node cannot serve, when that changed or a view asks for it again.
     *
     * @return every node's report, this node's included
     */
    Map<String, Set<String>> share(Set<String> mine) {
        if (!mine.equals(published)) {
            membership.publish(mine);
            published = mine;
        }
        Map<String, Set<String>> all = new HashMap<>(unservable);
        all.put(nodeName, mine);
        return all;
    }

    /** Leaves the group, if a member: this node is no longer live for anyone. */
    void leave() {
        Membership m = membership;
        if (m == null) {
            return;
        }
        membership = null;
        inView = false;
        live = Set.of();
        published = null;
        unservable.clear();
        metrics.membership(false, 0);
        closeOnWorker(m);
    }

    /** Leaves the group for good (the verticle stops); completes once the channel is closed. */
    Future<Void> close() {
        Membership m = membership;
        membership = null;
        return m == null ? Future.succeededFuture() : closeOnWorker(m);
    }

    private void join(Membership.Settings settings) {
        AtomicReference<Membership> self = new AtomicReference<>();
        Membership m = new Membership(settings, new Membership.Listener() {
            // a channel being closed may still report: only the current one counts
            @Override
            public void view(Set<String> nodes) {
                context.runOnContext(v -> {
                    if (membership == self.get()) {
                        viewChanged(nodes);
                    }
                });
            }

            @Override
            public void unservable(String node, Set<String> pools) {
                context.runOnContext(v -> {
                    if (membership == self.get()) {
                        unservable.put(node, Set.copyOf(pools));
                        changed.run();
                    }
                });
            }
        });
        self.set(m);
        membership = m;
        starting = true;
        LOG.info("joining the Layer 2 membership on {}:{} (seeds {})", settings.bind().getHostAddress(), port,
                settings.seeds());
        context.owner().executeBlocking(() -> {
            m.start();
            return null;
        }, false).onComplete(r -> {
            starting = false;
            if (r.failed() && membership == m) {
                LOG.error("cannot join the Layer 2 membership: {}", r.cause().toString());
                membership = null;
                closeOnWorker(m);
                context.owner().setTimer(RETRY_JOIN_MILLIS, t -> changed.run());
            }
            changed.run();
        });
    }

    private void viewChanged(Set<String> nodes) {
        live = Set.copyOf(nodes);
        inView = live.contains(nodeName);
        unservable.keySet().retainAll(live);
        metrics.membership(inView, live.size());
        published = null; // a joiner must hear every node's report
        changed.run();
    }

    private Future<Void> closeOnWorker(Membership m) {
        return context.owner().executeBlocking(() -> {
            m.close();
            return null;
        }, false);
    }
}
