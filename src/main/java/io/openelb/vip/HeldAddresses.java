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
        Future<Void> add(IpAddress address);

        Future<Void> remove(IpAddress address);
    }

    /** Adds and removes over rtnetlink on a worker, one at a time in the order asked. */
    static Operations onWorker(Vertx vertx, String iface) {
        return new Operations() {
            @Override
            public Future<Void> add(IpAddress address) {
                return vertx.executeBlocking(() -> {
                    InterfaceAddresses.add(iface, address);
                    return null;
                });
            }

            @Override
            public Future<Void> remove(IpAddress address) {
                return vertx.executeBlocking(() -> {
                    InterfaceAddresses.remove(iface, address);
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
    private boolean busy;
    private String problem = "";

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

    /** The addresses to have on the interface from now on; work starts at once unless a step is running. */
    void want(Collection<IpAddress> addresses) {
        desired = List.copyOf(new LinkedHashSet<>(addresses));
        failed.clear();
        if (!busy) {
            step();
        }
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
