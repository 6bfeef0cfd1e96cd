package io.openelb.vrrp;

import io.openelb.model.IpAddress;
import java.util.List;

/**
 * One virtual router of RFC 5798 (section 6) on one interface and one address family: the states
 * Initialize, Backup and Master with their timers, preemption and the priority-0 hand-over. Pure: the
 * caller gives the time, sends the advertisements each call returns, reads {@link #state()} after each
 * call (holding the virtual addresses exactly while it is {@link State#MASTER}) and calls
 * {@link #onTimer} once {@link #nextDeadline()} has passed.
 *
 * <p>Not thread-safe: one caller thread (the owning verticle's context).
 */
public final class VrrpRouter {
    /** RFC 5798 6.4. */
    public enum State { INITIALIZE, BACKUP, MASTER }

    /**
     * What this router is configured with.
     *
     * @param vrid                  1..255
     * @param priority              1..254 (this project never owns the addresses, so never 255)
     * @param advertIntervalCentis  Advertisement_Interval, 1..4095 centiseconds
     * @param preempt               Preempt_Mode: a higher priority backup takes over from a lower master
     * @param primaryAddress        this node's address on the interface, the advertisements' IP source and
     *                              the tie-break between equal priorities (the higher address wins)
     * @param addresses             the virtual addresses, all of {@code primaryAddress}'s family
     */
    public record Config(int vrid, int priority, int advertIntervalCentis, boolean preempt,
            IpAddress primaryAddress, List<IpAddress> addresses) {}

    public VrrpRouter(Config config) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Startup event: Initialize -> Backup (or Master for priority 255). Returns the adverts to send. */
    public List<VrrpAdvert> start(long nowMillis) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Shutdown event: Master sends priority 0 and gives up; any state -> Initialize. */
    public List<VrrpAdvert> shutdown(long nowMillis) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** An advertisement for this VRID received from {@code source} (already checked: TTL 255, not ours). */
    public List<VrrpAdvert> onAdvert(VrrpAdvert advert, IpAddress source, long nowMillis) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Fires whichever timer is due at {@code nowMillis} (Master_Down_Timer or Adver_Timer). */
    public List<VrrpAdvert> onTimer(long nowMillis) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * A new configuration (priority, interval, preemption, addresses; same VRID and family). A master
     * advertises the change at once; a backup whose new priority allows preemption keeps its timer.
     */
    public List<VrrpAdvert> reconfigure(Config config, long nowMillis) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** When {@link #onTimer} is due next; {@link Long#MAX_VALUE} in Initialize. */
    public long nextDeadline() {
        throw new UnsupportedOperationException("skeleton");
    }

    public State state() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The current master's primary address as last heard (this router's own while Master), null if none. */
    public IpAddress masterAddress() {
        throw new UnsupportedOperationException("skeleton");
    }

    public Config config() {
        throw new UnsupportedOperationException("skeleton");
    }
}
