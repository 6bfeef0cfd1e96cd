package io.openelb.layer2;

import io.openelb.announce.Layer2Plan;
import io.openelb.announce.Layer2Plan.Assignment;
import io.openelb.metrics.Layer2Metrics;
import io.openelb.model.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Layer 2 addresses this node answers for, or will after the handover delay. Each {@link #apply}
 * diffs a fresh plan with the claims in effect: a lost address stops being answered before it returns; a
 * gained one is answered at once when its previous owner has left the view
 * ({@link Layer2Plan#takesOverAtOnce}), else after the handover delay, and is then announced (gratuitous
 * ARP / unsolicited NA) a few times.
 *
 * <p>Threads: every method on the verticle's context; the {@link Scheduler} runs its tasks there too.
 */
final class Claims {
    private static final Logger LOG = LoggerFactory.getLogger(Claims.class);
    /** Gratuitous ARP / unsolicited NA after gaining an address, milliseconds after the first. */
    static final long[] ANNOUNCE_AFTER = {0, 250, 1000, 2000, 4000};

    /** One-shot timers on the verticle's context (Vert.x timers; a manual clock in tests). */
    interface Scheduler {
        /** Runs the task once after this delay; returns an id for {@link #cancel}. */
        long schedule(long delayMillis, Runnable task);

        void cancel(long id);
    }

    /** The responders, as the claims see them. */
    interface Responders {
        /** Every responder answers for exactly the active addresses of its interface (none when absent). */
        void answerFor(Map<Nic, Set<IpAddress>> active);

        /** One gratuitous ARP / unsolicited NA for an active address, on its interface. */
        void announce(Nic nic, IpAddress address);
    }

    /** An address this node answers for, or will after the handover delay. */
    private static final class Claim {
        final Assignment assignment;
        final Nic nic;
        boolean active;
        final List<Long> timers = new ArrayList<>();

        Claim(Assignment assignment, Nic nic) {
            this.assignment = assignment;
            this.nic = nic;
        }
    }

    private final String nodeName;
    private final Duration handoverDelay;
    private final Scheduler scheduler;
    private final Responders responders;
    private final BiConsumer<Assignment, Nic> answering;
    private final Layer2Metrics metrics;
    private final Map<IpAddress, Claim> claims = new HashMap<>();
    /** Owner of every address at the last computation; null before the first one. */
    private Map<IpAddress, String> previousOwners;

    /**
     * @param answering told when this node starts answering for an address (for an Event on its Service)
     */
    Claims(String nodeName, Duration handoverDelay, Scheduler scheduler, Responders responders,
            BiConsumer<Assignment, Nic> answering, Layer2Metrics metrics) {
        this.nodeName = nodeName;
        this.handoverDelay = handoverDelay;
        this.scheduler = scheduler;
        this.responders = responders;
        this.answering = answering;
        this.metrics = metrics;
    }

    /**
     * Claims this node's addresses of the plan and releases the rest; losses apply at once.
     *
     * @param nics per pool, the interface this node answers on (pools it cannot serve are absent: their
     *             addresses are never claimed)
     * @param live nodes in the membership view
     */
    void apply(List<Assignment> assignments, Map<String, Nic> nics, Set<String> live) {
        Map<IpAddress, Assignment> mine = new HashMap<>();
        for (Assignment a : assignments) {
            if (a.owner().equals(nodeName) && nics.containsKey(a.pool())) {
                mine.put(a.address(), a);
            }
        }
        for (IpAddress address : new ArrayList<>(claims.keySet())) {
            Assignment now = mine.get(address);
            if (now == null || !nics.get(now.pool()).equals(claims.get(address).nic)) {
                release(address);
            }
        }
        pushAnswers();
        for (Assignment a : mine.values()) {
            if (!claims.containsKey(a.address())) {
                claim(a, nics.get(a.pool()), live);
            }
        }
        Map<IpAddress, String> owners = new HashMap<>();
        assignments.forEach(a -> owners.put(a.address(), a.owner()));
        previousOwners = owners;
    }

    /** Answers for nothing any more. */
    void releaseAll() {
        new ArrayList<>(claims.keySet()).forEach(this::release);
        pushAnswers();
    }

    private void claim(Assignment a, Nic nic, Set<String> live) {
        Claim c = new Claim(a, nic);
        claims.put(a.address(), c);
        String previous = previousOwners == null ? null : previousOwners.getOrDefault(a.address(), "");
        if (Layer2Plan.takesOverAtOnce(previous, nodeName, live)) {
            activate(c);
        } else {
            c.timers.add(scheduler.schedule(Math.max(1, handoverDelay.toMillis()), () -> activate(c)));
        }
    }

    private void activate(Claim c) {
        if (claims.get(c.assignment.address()) != c || c.active) {
            return;
        }
        c.active = true;
        pushAnswers();
        IpAddress address = c.assignment.address();
        for (long after : ANNOUNCE_AFTER) {
            if (after == 0) {
                responders.announce(c.nic, address);
            } else {
                c.timers.add(scheduler.schedule(after, () -> responders.announce(c.nic, address)));
            }
        }
        metrics.ownerChanged();
        LOG.info("answering ARP/NDP for {} ({}) on {}", address, c.assignment.service(),
                c.nic.name());
        answering.accept(c.assignment, c.nic);
    }

    private void release(IpAddress address) {
        Claim c = claims.remove(address);
        if (c == null) {
            return;
        }
        c.timers.forEach(scheduler::cancel);
        if (c.active) {
            metrics.ownerChanged();
            LOG.info("no longer answering for {} ({})", address, c.assignment.service());
        }
    }

    /** Hands every responder exactly the active addresses of its interface. */
    private void pushAnswers() {
        Map<Nic, Set<IpAddress>> byNic = new HashMap<>();
        int active = 0;
        for (Claim c : claims.values()) {
            if (c.active) {
                byNic.computeIfAbsent(c.nic, k -> new HashSet<>()).add(c.assignment.address());
                active++;
            }
        }
        responders.answerFor(byNic);
        metrics.owned(active);
    }
}
