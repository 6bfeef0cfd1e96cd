package io.openelb.vip;

import io.openelb.metrics.VrrpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.vrrp.VrrpAdvert;
import io.openelb.vrrp.VrrpFrames;
import io.openelb.vrrp.VrrpRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
    /** How long a master that could not add its addresses stays out before it competes again. */
    static final long ADD_RETRY_MILLIS = 10_000;
    /** RFC 5798 7.1: an advertisement with another TTL / hop limit was routed, so it is not from this link. */
    static final int TTL = 255;

    /** Told of the instance's changes; called on the instance's context. */
    public interface Listener {
        /** After every change of state, of the master heard, or of {@link #problem()}. */
        void changed(VrrpInstance instance);
    }

    /** What the listener was last told. */
    private record Reported(VrrpRouter.State state, IpAddress master, String problem, boolean holding) {}

    private final Vertx vertx;
    private final InstanceLink link;
    private final String name;
    private final VrrpMetrics metrics;
    private final Listener listener;
    private final LongSupplier nowMillis;
    private final HeldAddresses addresses;
    private final IpFamily family;
    private VrrpRouter.Config config;
    private List<IpAddress> held;
    /** Null before the first start; in Initialize while shut down. */
    private VrrpRouter router;
    private boolean started;
    private String problem = "";
    private Reported reported = new Reported(VrrpRouter.State.INITIALIZE, null, "", false);
    private long timer = -1;
    private long linkCheck = -1;
    private boolean sendFailing;
    private final HeardAdverts heard = new HeardAdverts();
    private long addFailedAt = -1;

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
        addresses.onChange(this::addressesChanged);
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
        // our own source is the router's (enumerating the interfaces for each advert would be work per packet)
        if (captured.source().equals(running() ? router.config().primaryAddress() : link.primary(family))) {
            metrics.dropped(link.iface(), "own");
            return;
        }
        metrics.advertReceived(name);
        heard.master(captured.advert(), now());
        if (HeardAdverts.differs(captured.advert(), config)) {
            metrics.addressMismatch(name);
            String collision = heard.collision(captured.advert(), captured.source(), config, link.iface());
            if (!collision.isEmpty()) {
                LOG.warn("{}", collision);
                report();
            }
        }
        if (running()) {
            boolean wasHolding = holding();
            after(router.onAdvert(captured.advert(), captured.source(), now()));
            // two masters, one backing off: a partition heals, and neighbours may have learnt the other's MAC
            if (wasHolding && holding() && captured.advert().priority() > 0 && heard.reannounceDue(now())) {
                LOG.info("VRRP {}: another master on {} backs off, announcing {} again", name, link.iface(), held);
                addresses.reannounce();
            }
        }
    }

    /** Whether this instance is Master and has every held address configured: it really holds them now. */
    public boolean holding() {
        return state() == VrrpRouter.State.MASTER && !addresses.holdPending() && addresses.inEffect().containsAll(held);
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
        String mismatch = heard.mismatch();
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

    /**
     * After each address operation: a master that cannot add its addresses (no CAP_NET_ADMIN, say) would hold
     * the group for nobody, so it gives it up (priority 0: a backup takes over) and stays out a while.
     */
    private void addressesChanged() {
        if (running() && state() == VrrpRouter.State.MASTER && addresses.addFailed()) {
            addFailedAt = now();
            problem = addresses.problem() + "; giving the group up for " + ADD_RETRY_MILLIS / 1000 + " s";
            LOG.warn("VRRP {}: {}", name, problem);
            after(router.shutdown(now()));
            return;
        }
        report();
    }

    private String unusable() {
        if (addFailedAt >= 0 && now() - addFailedAt < ADD_RETRY_MILLIS) {
            return problem;
        }
        if (!link.up()) {
            // a distinct problem, so that the owner hears of it and opens a link on the new interface
            return "interface " + link.iface() + (link.recreated() ? " was created again" : " is down");
        }
        if (link.primary(family) == null) {
            return "interface " + link.iface() + " has no " + (family == IpFamily.IPV4 ? "IPv4" : "IPv6") + " address";
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
        addresses.follow(master ? held : List.of(), heard.settleMillis(config, now()), !adverts.isEmpty());
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

    private void report() {
        Reported now = new Reported(state(), master(), problem(), holding());
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

    private long now() {
        return nowMillis.getAsLong();
    }

    private static VrrpRouter.Config withPrimary(VrrpRouter.Config c, IpAddress primary) {
        return Objects.equals(c.primaryAddress(), primary) ? c : new VrrpRouter.Config(c.vrid(), c.priority(),
                c.advertIntervalCentis(), c.preempt(), primary, c.addresses());
    }
}
