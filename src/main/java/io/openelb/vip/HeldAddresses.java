package io.openelb.vip;

import io.openelb.model.IpAddress;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual addresses one VRRP instance has configured on its interface, brought to the latest desired set
 * one operation at a time: removals first, then additions, each started only when the previous one has
 * finished, and the desired set read again after each. A quick Master, Backup, Master therefore ends with
 * the addresses in place, whatever order the operations would have finished in if run at once. Each address
 * added is announced at once and twice more {@link #ANNOUNCE_SPACING_MILLIS} apart (for neighbours that
 * missed one) while it is still held.
 *
 * <p>An operation that fails is not retried within the same pass (its address is left as it is, the failure
 * is {@link #problem()}); the next {@link #want} or {@link #retry} tries again. Used on one Vert.x context,
 * whose futures the operations complete on.
 */
final class HeldAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(HeldAddresses.class);
    static final long ANNOUNCE_SPACING_MILLIS = 500;
    static final int ANNOUNCEMENTS = 3;

    /** Adds or removes one address on the interface; neither fails for an address already so. */
    interface Operations {
        /** Adds the address, or renews its lifetime when it is there. */
        Future<Void> add(IpAddress address);

        Future<Void> remove(IpAddress address);
    }

    /**
     * Adds and removes over rtnetlink on a worker, one at a time in the order asked. Addresses are added with
     * a lifetime of {@code lifetimeSeconds} (read at each add): {@link #refresh} renews it while they are
     * held, and the kernel removes them by itself once the renewals stop, even if this process was killed.
     * {@link ReleaseOnExit} removes them at once when this process dies, however it dies.
     */
    static Operations onWorker(Vertx vertx, String iface, java.util.function.IntSupplier lifetimeSeconds) {
        ReleaseOnExit guard = ReleaseOnExit.ofThisProcess();
        return new Operations() {
            @Override
            public Future<Void> add(IpAddress address) {
                int lifetime = lifetimeSeconds.getAsInt();
                return vertx.executeBlocking(() -> {
                    InterfaceAddresses.addOrRefresh(iface, address, lifetime);
                    guard.held(iface, address);
                    return null;
                });
            }

            @Override
            public Future<Void> remove(IpAddress address) {
                return vertx.executeBlocking(() -> {
                    InterfaceAddresses.remove(iface, address);
                    guard.released(iface, address);
                    return null;
                });
            }
        };
    }

    private final Vertx vertx;
    private final Operations operations;
    private final Function<IpAddress, Future<Void>> announce;
    private final String iface;
    /** Added by this instance and not removed since. */
    private final Set<IpAddress> inEffect = new LinkedHashSet<>();
    /** Possibly left on the interface by an earlier run of the program: removed unless desired. */
    private final Set<IpAddress> leftovers = new LinkedHashSet<>();
    private final Set<IpAddress> failed = new HashSet<>();
    private final List<Promise<Void>> waiters = new ArrayList<>();
    private List<IpAddress> desired = List.of();
    /** Held addresses whose lifetime is to be renewed (refresh), done after the adds and removes. */
    private final Set<IpAddress> toRenew = new LinkedHashSet<>();
    private boolean busy;
    private String problem = "";
    private Runnable onChange = () -> {};
    private boolean wasMaster;
    private long pendingHold = -1;

    /**
     * @param possiblyPresent addresses an earlier run may have left configured; removed by the first pass
     *                        unless desired then (removing an absent address is no error)
     */
    HeldAddresses(Vertx vertx, Operations operations, Function<IpAddress, Future<Void>> announce, String iface,
            Collection<IpAddress> possiblyPresent) {
        this.vertx = vertx;
        this.operations = operations;
        this.announce = announce;
        this.iface = iface;
        leftovers.addAll(possiblyPresent);
    }

    /**
     * Follows the instance after each decision of its router: {@code held} while Master, nothing otherwise.
     * A new master holds them {@code settleMillis} after becoming one, not at once: another router that
     * became master at the same moment (or the live master it preempted) gives up when our first
     * advertisement reaches it, and only then do we hold them, so two nodes never hold them at once. Each
     * advertisement a holding master sends renews the lifetimes.
     */
    void follow(List<IpAddress> held, long settleMillis, boolean advertised) {
        boolean master = !held.isEmpty();
        if (master && !wasMaster) {
            pendingHold = vertx.setTimer(settleMillis, id -> {
                pendingHold = -1;
                want(held);
            });
        } else if (master && pendingHold < 0) {
            want(held);
        } else if (!master) {
            if (pendingHold >= 0) {
                vertx.cancelTimer(pendingHold);
                pendingHold = -1;
            }
            want(List.of());
        }
        wasMaster = master;
        if (master && advertised && pendingHold < 0) {
            refresh();
        }
    }

    /** Whether a new master is still waiting before it holds the addresses. */
    boolean holdPending() {
        return pendingHold >= 0;
    }

    /** Called after each add or remove has finished (succeeded or failed), on the owner's context. */
    void onChange(Runnable onChange) {
        this.onChange = onChange;
    }

    /** Whether adding a desired address failed (and is not retried before {@link #retry} or {@link #want}). */
    boolean addFailed() {
        return failed.stream().anyMatch(desired::contains);
    }

    /** The addresses to have on the interface from now on; work starts at once unless a step is running. */
    void want(Collection<IpAddress> addresses) {
        desired = List.copyOf(new LinkedHashSet<>(addresses));
        failed.clear();
        if (!busy) {
            step();
        }
    }

    /**
     * Renews the lifetime of every held address (the owner calls it with each advertisement it sends, so the
     * addresses outlive a killed process by about the time its backups need to take over).
     */
    void refresh() {
        toRenew.addAll(inEffect);
        toRenew.retainAll(desired);
        if (!busy) {
            step();
        }
    }

    /** Announces every held address again, as when it was added (neighbours may point at another node). */
    void reannounce() {
        inEffect.stream().filter(desired::contains).toList().forEach(a -> announce(a, ANNOUNCEMENTS));
    }

    /** Tries again what failed (called periodically by the owner). */
    void retry() {
        if (!failed.isEmpty() && !busy) {
            failed.clear();
            step();
        }
    }

    /**
     * Completes once the interface has the desired addresses, after the operations running or due now;
     * fails with {@link #problem()} when one of them failed.
     */
    Future<Void> settled() {
        if (!busy) {
            return failed.isEmpty() ? Future.succeededFuture() : Future.failedFuture(problem);
        }
        Promise<Void> promise = Promise.promise();
        waiters.add(promise);
        return promise.future();
    }

    /** What this instance has added and not removed, in the order added. */
    Set<IpAddress> inEffect() {
        return Set.copyOf(inEffect);
    }

    /** "" or the last operation that failed, e.g. "cannot add 10.0.0.10 to eth0: Operation not permitted". */
    String problem() {
        return problem;
    }

    private void step() {
        IpAddress extra = first(concat(inEffect, leftovers), a -> !desired.contains(a));
        if (extra != null) {
            apply(extra, false);
            return;
        }
        IpAddress missing = first(desired, a -> !inEffect.contains(a));
        if (missing != null) {
            apply(missing, true);
            return;
        }
        toRenew.retainAll(inEffect);
        toRenew.retainAll(desired);
        if (!toRenew.isEmpty()) {
            renew(toRenew.iterator().next());
            return;
        }
        busy = false;
        if (failed.isEmpty()) {
            problem = "";
        }
        List<Promise<Void>> done = List.copyOf(waiters);
        waiters.clear();
        done.forEach(p -> {
            if (failed.isEmpty()) {
                p.complete();
            } else {
                p.fail(problem);
            }
        });
    }

    private void apply(IpAddress address, boolean add) {
        busy = true;
        (add ? operations.add(address) : operations.remove(address)).onComplete(result -> {
            if (result.failed()) {
                failed.add(address);
                String why = "cannot " + (add ? "add " + address + " to " : "remove " + address + " from ") + iface
                        + ": " + result.cause().getMessage();
                if (!why.equals(problem)) {
                    LOG.warn("{}", why);
                }
                problem = why;
            } else if (add) {
                inEffect.add(address);
                leftovers.remove(address);
                LOG.info("added {} to {}", address, iface);
                announce(address, ANNOUNCEMENTS);
            } else {
                if (inEffect.remove(address)) {
                    LOG.info("removed {} from {}", address, iface);
                }
                leftovers.remove(address);
            }
            step();
            onChange.run();
        });
    }

    private void renew(IpAddress address) {
        busy = true;
        toRenew.remove(address);
        operations.add(address).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("cannot renew {} on {}: {}", address, iface, result.cause().getMessage());
            }
            step();
        });
    }

    /** Sends one announcement now and {@code left - 1} more, spaced, while the address is still held. */
    private void announce(IpAddress address, int left) {
        if (left == 0 || !inEffect.contains(address) || !desired.contains(address)) {
            return;
        }
        announce.apply(address).onFailure(e -> LOG.debug("announcing {} on {} failed: {}", address, iface,
                e.getMessage()));
        if (left > 1) {
            vertx.setTimer(ANNOUNCE_SPACING_MILLIS, id -> announce(address, left - 1));
        }
    }

    private IpAddress first(Collection<IpAddress> addresses, java.util.function.Predicate<IpAddress> test) {
        return addresses.stream().filter(a -> !failed.contains(a)).filter(test).findFirst().orElse(null);
    }

    private static Set<IpAddress> concat(Set<IpAddress> a, Set<IpAddress> b) {
        Set<IpAddress> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }
}
