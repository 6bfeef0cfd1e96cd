package io.openelb.vip;

import io.openelb.metrics.VrrpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpAdvert;
import io.openelb.vrrp.VrrpFrames;
import io.openelb.vrrp.VrrpRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VRRP virtual router (RFC 5798) on one interface and family, run on a Vert.x context: the pure
 * {@link VrrpRouter} decides, this instance keeps its one timer armed for the router's next deadline, sends
 * what it returns, checks received advertisements (RFC 5798 7.1) and holds {@link #held()} on the interface
 * exactly while Master ({@link HeldAddresses}: ordered, reconciled to the latest state).
 *
 * <p>The router runs while the instance is started and the interface is usable (up, with a primary address
 * of the family); a 200 ms check shuts it down (addresses released, {@link #problem()} says why) and starts it
 * again once the interface is back. The config's {@code primaryAddress} is replaced by the interface's
 * primary address of the family on each (re)start.
 *
 * <p>Threads: constructed and called on one Vert.x context (its owner's); timers, futures and the
 * {@link Listener} run on it.
 */
public final class VrrpInstance {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpInstance.class);
    static final long LINK_CHECK_MILLIS = 200;
    /** RFC 5798 7.1: an advertisement with another TTL / hop limit was routed, so it is not from this link. */
    static final int TTL = 255;

    /** Told of the instance's changes; called on the instance's context. */
    public interface Listener {
        /** After every change of state, of the master heard, or of {@link #problem()}. */
        void changed(VrrpInstance instance);
    }

    /** What the listener was last told. */
    private record Reported(VrrpRouter.State state, IpAddress master, String problem) {}

    private final Vertx vertx;
    private final InstanceLink link;
    private final String name;
    private final VrrpMetrics metrics;
    private final Listener listener;
    private final LongSupplier nowMillis;
    private final HeldAddresses addresses;
    private final IpFamily family;
    private final Set<IpAddress> mismatchesLogged = new HashSet<>();
    private VrrpRouter.Config config;
    private List<IpAddress> held;
    /** Null before the first start; in Initialize while shut down. */
    private VrrpRouter router;
    private boolean started;
    private String problem = "";
    private Reported reported = new Reported(VrrpRouter.State.INITIALIZE, null, "");
    private long timer = -1;
    private long linkCheck = -1;
    private boolean sendFailing;
    private boolean wasMaster;
    /** "" or the first collision heard: another router advertising other addresses under this VRID. */
    private String mismatch = "";
    private long holdTimer = -1;
    /** When another node last advertised with a priority above 0 (only masters advertise), -1 never. */
    private long lastOtherMasterAt = -1;
    private int lastOtherMasterPriority;

    /**
     * @param config the router's configuration; its {@code primaryAddress} is taken from the link at start
     * @param held   the addresses configured while Master: the advertised ones and maybe the other family's
     */
    public VrrpInstance(Vertx vertx, VrrpLink link, String name, VrrpRouter.Config config, List<IpAddress> held,
            VrrpMetrics metrics, Listener listener) {
        this(vertx, InstanceLink.of(link), null, name, config, held, metrics, listener,
                () -> System.nanoTime() / 1_000_000);
    }

    VrrpInstance(Vertx vertx, InstanceLink link, HeldAddresses.Operations operations, String name, VrrpRouter.Config config,
            List<IpAddress> held, VrrpMetrics metrics, Listener listener, LongSupplier nowMillis) {
        this.vertx = vertx;
        this.link = link;
        this.name = name;
        this.config = config;
        this.held = List.copyOf(held);
        this.metrics = metrics;
        this.listener = listener;
        this.nowMillis = nowMillis;
        this.family = config.addresses().get(0).family();
        this.addresses = new HeldAddresses(vertx, operations != null ? operations
                : HeldAddresses.onWorker(vertx, link.iface(), this::lifetimeSeconds), link::announce, link.iface(), held);
        addresses.want(List.of()); // Initialize holds nothing: what an earlier run left goes now
        metrics.state(name, config.vrid(), family, link.iface(), VrrpMetrics.INITIALIZE);
    }

    /** The Startup event (RFC 5798 6.4.1) as soon as the interface is usable; checks it from now on. */
    public void start() {
        started = true;
        if (linkCheck < 0) {
            linkCheck = vertx.setPeriodic(LINK_CHECK_MILLIS, id -> checkLink());
        }
        checkLink();
    }

    /**
     * The Shutdown event: a Master sends priority 0 so a Backup takes over at once; the addresses are released.
     * Completes once they are removed (fails if a removal failed). {@link #start()} may follow.
     */
    public Future<Void> stop() {
        started = false;
        if (linkCheck >= 0) {
            vertx.cancelTimer(linkCheck);
            linkCheck = -1;
        }
        problem = "";
        if (running()) {
            after(router.shutdown(now()));
        } else {
            addresses.want(List.of());
            report();
        }
        return addresses.settled();
    }

    /** New priority, interval, preemption or addresses (same VRID and family); a Master advertises them at once. */
    public void reconfigure(VrrpRouter.Config config, List<IpAddress> held) {
        this.config = config;
        this.held = List.copyOf(held);
        if (running()) {
            IpAddress primary = link.primary(family);
            after(router.reconfigure(withPrimary(config, primary != null ? primary : router.config().primaryAddress()),
                    now()));
        }
    }

    /** An advertisement for this instance's VRID and family, as captured. */
    public void onAdvert(VrrpFrames.Captured captured) {
        if (captured.ttl() != TTL) {
            metrics.dropped(link.iface(), "ttl");
            return;
        }
        if (captured.source().equals(link.primary(family))) {
            metrics.dropped(link.iface(), "own");
            return;
        }
        metrics.advertReceived(name);
        if (captured.advert().priority() > 0) {
            lastOtherMasterAt = now();
            lastOtherMasterPriority = captured.advert().priority();
        }
        checkAddresses(captured);
        if (running()) {
            after(router.onAdvert(captured.advert(), captured.source(), now()));
        }
    }

    public VrrpRouter.State state() {
        return router == null ? VrrpRouter.State.INITIALIZE : router.state();
    }

    /** The current master's primary address as last heard (ours while Master); null when none. */
    public IpAddress master() {
        return running() ? router.masterAddress() : null;
    }

    /**
     * "" or why the instance cannot take part, e.g. "interface eth0 is down", or that another router
     * advertises other addresses under its VRID (a collision; RFC 5798 7.1 says log it and go on).
     */
    public String problem() {
        String own = !problem.isEmpty() ? problem : addresses.problem();
        return own.isEmpty() ? mismatch : mismatch.isEmpty() ? own : own + "; " + mismatch;
    }

    public String name() {
        return name;
    }

    public VrrpRouter.Config config() {
        return config;
    }

    public List<IpAddress> held() {
        return held;
    }

    public IpFamily family() {
        return family;
    }

    private boolean running() {
        return router != null && router.state() != VrrpRouter.State.INITIALIZE;
    }

    /** Starts or shuts down the router as the interface allows; retries failed address operations. */
    private void checkLink() {
        String why = unusable();
        if (running() && !why.isEmpty()) {
            LOG.warn("VRRP {} stops: {}", name, why);
            problem = why;
            after(router.shutdown(now()));
        } else if (!running() && started && why.isEmpty()) {
            problem = "";
            router = new VrrpRouter(withPrimary(config, link.primary(family)));
            after(router.start(now()));
        } else if (!running() && started && !why.equals(problem)) {
            problem = why;
            report();
        }
        addresses.retry();
    }

    private String unusable() {
        if (!link.up()) {
            return "interface " + link.iface() + " is down";
        }
        if (link.primary(family) == null) {
            return "interface " + link.iface() + " has no " + familyName() + " address";
        }
        return "";
    }

    /**
     * The lifetime of the held addresses: three advertisement intervals, at least the kernel's one second. A
     * master renews it with each advertisement; a killed one's addresses go about when its backups take over.
     */
    int lifetimeSeconds() {
        return (int) Math.max(1, (3L * config.advertIntervalCentis() + 99) / 100);
    }

    /** After every call of the router: send, hold or release, re-arm the timer, tell the listener. */
    private void after(List<VrrpAdvert> adverts) {
        adverts.forEach(this::send);
        boolean master = state() == VrrpRouter.State.MASTER;
        if (master && !wasMaster && preempting()) {
            // The old master is alive: it releases the addresses when our advertisement reaches it. Holding
            // them one interval later keeps two nodes from holding them at once (a planned move: a short gap).
            long settle = config.advertIntervalCentis() * 10L;
            holdTimer = vertx.setTimer(settle, id -> {
                holdTimer = -1;
                if (state() == VrrpRouter.State.MASTER) {
                    addresses.want(held);
                }
            });
        } else if (master && holdTimer < 0) {
            addresses.want(held);
        } else if (!master) {
            cancelHold();
            addresses.want(List.of());
        }
        wasMaster = master;
        if (master && !adverts.isEmpty() && holdTimer < 0) {
            addresses.refresh();
        }
        armTimer();
        report();
    }

    private void send(VrrpAdvert advert) {
        link.send(advert).onComplete(sent -> {
            if (sent.succeeded()) {
                metrics.advertSent(name);
                sendFailing = false;
            } else if (!sendFailing) {
                sendFailing = true;
                LOG.warn("VRRP {} cannot send on {}: {}", name, link.iface(), sent.cause().getMessage());
            }
        });
    }

    private void armTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (!running() || router.nextDeadline() == Long.MAX_VALUE) {
            return;
        }
        timer = vertx.setTimer(Math.max(1, router.nextDeadline() - now()), id -> {
            timer = -1;
            onTimer();
        });
    }

    private void onTimer() {
        if (!running()) {
            return;
        }
        if (!link.up()) {
            checkLink();
        } else if (now() >= router.nextDeadline()) {
            after(router.onTimer(now()));
        } else {
            armTimer();
        }
    }

    /**
     * Whether this node took over from a live master of lower priority (preemption): one was heard within
     * about Master_Down_Interval. A failover after a master fell silent is none: that master had the higher
     * priority, or this node would have preempted it before.
     */
    private boolean preempting() {
        long masterDown = 4L * config.advertIntervalCentis() * 10;
        return lastOtherMasterAt >= 0 && now() - lastOtherMasterAt < masterDown
                && lastOtherMasterPriority < config.priority();
    }

    private void cancelHold() {
        if (holdTimer >= 0) {
            vertx.cancelTimer(holdTimer);
            holdTimer = -1;
        }
    }

    /** RFC 5798 7.1: addresses that differ from ours are logged (once per sender) and counted, not dropped. */
    private void checkAddresses(VrrpFrames.Captured captured) {
        if (Set.copyOf(captured.advert().addresses()).equals(Set.copyOf(config.addresses()))) {
            return;
        }
        metrics.addressMismatch(name);
        if (mismatchesLogged.add(captured.source())) {
            mismatch = "VRID " + config.vrid() + " on " + link.iface() + " is also used by " + captured.source()
                    + " for " + captured.advert().addresses() + " (this group: " + config.addresses()
                    + "): two VRRP groups share one VRID";
            LOG.warn("{}", mismatch);
            report();
        }
    }

    private void report() {
        Reported now = new Reported(state(), master(), problem());
        if (now.equals(reported)) {
            return;
        }
        if (now.state() != reported.state()) {
            String to = now.state().name().toLowerCase(Locale.ROOT);
            LOG.info("VRRP {} (VRID {} on {}): {} -> {}", name, config.vrid(), link.iface(),
                    reported.state().name().toLowerCase(Locale.ROOT), to);
            metrics.transition(name, to);
            metrics.state(name, config.vrid(), family, link.iface(), switch (now.state()) {
                case INITIALIZE -> VrrpMetrics.INITIALIZE;
                case BACKUP -> VrrpMetrics.BACKUP;
                case MASTER -> VrrpMetrics.MASTER;
            });
        }
        reported = now;
        listener.changed(this);
    }

    private String familyName() {
        return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
    }

    private long now() {
        return nowMillis.getAsLong();
    }

    private static VrrpRouter.Config withPrimary(VrrpRouter.Config c, IpAddress primary) {
        return Objects.equals(c.primaryAddress(), primary) ? c : new VrrpRouter.Config(c.vrid(), c.priority(),
                c.advertIntervalCentis(), c.preempt(), primary, c.addresses());
    }
}
