package io.openelb.vip;

import io.openelb.model.IpAddress;
import io.openelb.vrrp.VrrpAdvert;
import io.openelb.vrrp.VrrpRouter;
import java.util.HashSet;
import java.util.Set;

/**
 * What one VRRP instance heard from the other routers of its VRID, beyond what its router decides on: the
 * last master heard (so that a take-over can tell a preemption from a failover), collisions (another router
 * advertising other addresses under the VRID, RFC 5798 7.1: log and go on), and when the held addresses were
 * last announced again. No I/O; used on the instance's context.
 */
final class HeardAdverts {
    private static final long REANNOUNCE_EVERY_MILLIS = 1000;

    private final Set<IpAddress> mismatchesSeen = new HashSet<>();
    private String mismatch = "";
    private long lastMasterAt = -1;
    private int lastMasterPriority;
    private long lastReannounceAt = -1;

    /** Records an advertisement received from another router: a priority above 0 comes from a master. */
    void master(VrrpAdvert advert, long nowMillis) {
        if (advert.priority() > 0) {
            lastMasterAt = nowMillis;
            lastMasterPriority = advert.priority();
        }
    }

    /**
     * An advertisement that {@link #differs} from ours: the collision it shows when this sender shows one for
     * the first time, else "".
     */
    String collision(VrrpAdvert advert, IpAddress source, VrrpRouter.Config ours, String iface) {
        if (!mismatchesSeen.add(source)) {
            return "";
        }
        mismatch = "VRID " + ours.vrid() + " on " + iface + " is also used by " + source + " for "
                + advert.addresses() + " (this group: " + ours.addresses() + "): two VRRP groups share one VRID";
        return mismatch;
    }

    /** Whether the advertisement lists other addresses than ours. */
    static boolean differs(VrrpAdvert advert, VrrpRouter.Config ours) {
        return !Set.copyOf(advert.addresses()).equals(Set.copyOf(ours.addresses()));
    }

    /**
     * How long a new master waits before holding the addresses: one advertisement interval after preempting a
     * live master (it must hear us and release them first), a quarter of one otherwise (two backups whose
     * timers ran out together both become master until one hears the other: milliseconds).
     */
    long settleMillis(VrrpRouter.Config ours, long nowMillis) {
        long interval = ours.advertIntervalCentis() * 10L;
        return preempting(ours, nowMillis) ? interval : Math.max(1, interval / 4);
    }

    /**
     * Whether a take-over now is a preemption: a live master of lower priority was heard within about
     * Master_Down_Interval. A failover after a master fell silent is none: that master had the higher
     * priority, or this node would have preempted it before.
     */
    private boolean preempting(VrrpRouter.Config ours, long nowMillis) {
        long masterDown = 4L * ours.advertIntervalCentis() * 10;
        return lastMasterAt >= 0 && nowMillis - lastMasterAt < masterDown && lastMasterPriority < ours.priority();
    }

    /** Whether the held addresses may be announced again now (at most once a second); records it if so. */
    boolean reannounceDue(long nowMillis) {
        if (lastReannounceAt >= 0 && nowMillis - lastReannounceAt < REANNOUNCE_EVERY_MILLIS) {
            return false;
        }
        lastReannounceAt = nowMillis;
        return true;
    }

    /** "" or the first collision heard. */
    String mismatch() {
        return mismatch;
    }
}
