package io.openelb.vrrp;

import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.List;
import java.util.Objects;

/**
 * One virtual router of RFC 5798 (section 6) on one interface and one address family: the states
 * Initialize, Backup and Master with their timers, preemption and the priority-0 hand-over. Pure: the
 * caller gives the time, sends the advertisements each call returns, reads {@link #state()} after each
 * call (holding the virtual addresses exactly while it is {@link State#MASTER}) and calls
 * {@link #onTimer} once {@link #nextDeadline()} has passed.
 *
 * <p>Times are milliseconds; the intervals of the RFC (centiseconds) are multiplied by 10 and Skew_Time is
 * computed in milliseconds, so that close priorities still get different skews.
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
     * @param priority              1..254 (this project never owns the addresses, so never 255; 255, the
     *                              owner's, is accepted and starts as Master as RFC 5798 6.4.1 says)
     * @param advertIntervalCentis  Advertisement_Interval, 1..4095 centiseconds
     * @param preempt               Preempt_Mode: a higher priority backup takes over from a lower master
     * @param primaryAddress        this node's address on the interface, the advertisements' IP source and
     *                              the tie-break between equal priorities (the higher address wins); may be
     *                              null in a configuration not yet given to a router
     * @param addresses             the virtual addresses, all of {@code primaryAddress}'s family
     */
    public record Config(int vrid, int priority, int advertIntervalCentis, boolean preempt,
            IpAddress primaryAddress, List<IpAddress> addresses) {
        public Config {
            if (vrid < 1 || vrid > 255) {
                throw new IllegalArgumentException("VRID must be 1..255, got " + vrid);
            }
            if (priority < 1 || priority > 255) {
                throw new IllegalArgumentException("priority must be 1..255, got " + priority);
            }
            if (advertIntervalCentis < 1 || advertIntervalCentis > 4095) {
                throw new IllegalArgumentException(
                        "advertisement interval must be 1..4095 centiseconds, got " + advertIntervalCentis);
            }
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("a virtual router needs at least one address");
            }
            IpFamily family = addresses.get(0).family();
            if (addresses.stream().anyMatch(a -> a.family() != family)
                    || primaryAddress != null && primaryAddress.family() != family) {
                throw new IllegalArgumentException("primary address " + primaryAddress + " and virtual addresses "
                        + addresses + " are not all of one family");
            }
        }

        /** The family of the addresses, and so of the router. */
        public IpFamily family() {
            return addresses.get(0).family();
        }
    }

    private Config config;
    private State state = State.INITIALIZE;
    private int masterAdverIntervalCentis;
    /** Master_Down_Timer while Backup, Adver_Timer while Master: only one runs at a time. */
    private long deadline = Long.MAX_VALUE;
    private IpAddress heardMaster;

    public VrrpRouter(Config config) {
        this.config = requirePrimary(config);
    }

    /** Startup event: Initialize -> Backup (or Master for priority 255). Returns the adverts to send. */
    public List<VrrpAdvert> start(long nowMillis) {
        if (state != State.INITIALIZE) {
            throw new IllegalStateException("VRID " + config.vrid() + " already started: " + state);
        }
        if (config.priority() == 255) {
            return becomeMaster(nowMillis); // 6.4.1: the address owner
        }
        becomeBackup(config.advertIntervalCentis(), nowMillis);
        return List.of();
    }

    /** Shutdown event: Master sends priority 0 and gives up; any state -> Initialize. */
    public List<VrrpAdvert> shutdown(long nowMillis) {
        boolean wasMaster = state == State.MASTER;
        state = State.INITIALIZE;
        deadline = Long.MAX_VALUE;
        heardMaster = null;
        // 6.4.3: priority 0 lets the backups take over after Skew_Time instead of Master_Down_Interval
        return wasMaster ? List.of(advert(0)) : List.of();
    }

    /**
     * An advertisement for this VRID received from {@code source} (already checked: TTL 255, not ours).
     * Ignored in Initialize.
     *
     * @throws IllegalArgumentException for another VRID or family: the caller demultiplexes
     */
    public List<VrrpAdvert> onAdvert(VrrpAdvert advert, IpAddress source, long nowMillis) {
        if (advert.vrid() != config.vrid() || advert.family() != config.family()
                || source.family() != config.family()) {
            throw new IllegalArgumentException("an " + advert.family() + " advert for VRID " + advert.vrid()
                    + " from " + source + " given to the " + config.family() + " router of VRID " + config.vrid());
        }
        return switch (state) {
            case INITIALIZE -> List.of();
            case BACKUP -> backupReceived(advert, source, nowMillis);
            case MASTER -> masterReceived(advert, source, nowMillis);
        };
    }

    /** 6.4.2, ADVERTISEMENT received in Backup. */
    private List<VrrpAdvert> backupReceived(VrrpAdvert advert, IpAddress source, long nowMillis) {
        if (advert.priority() == 0) {
            deadline = nowMillis + skewMillis();
            if (source.equals(heardMaster)) {
                heardMaster = null; // it has left; nobody is master until someone takes over
            }
            return List.of();
        }
        // only a master advertises, so the sender is the master even when we are about to preempt it
        heardMaster = source;
        if (!config.preempt() || advert.priority() >= config.priority()) {
            becomeBackup(advert.maxAdvertIntervalCentis(), nowMillis);
        }
        // else: preempting a lower priority master, whose adverts no longer reset Master_Down_Timer
        return List.of();
    }

    /** 6.4.3, ADVERTISEMENT received in Master. */
    private List<VrrpAdvert> masterReceived(VrrpAdvert advert, IpAddress source, long nowMillis) {
        if (advert.priority() == 0) {
            // another master gave up: advertise at once so its backups do not take over after Skew_Time
            deadline = nowMillis + config.advertIntervalCentis() * 10L;
            return List.of(advert(config.priority()));
        }
        boolean higher = advert.priority() > config.priority();
        boolean tieWon = advert.priority() == config.priority() && source.compareTo(config.primaryAddress()) > 0;
        if (higher || tieWon) {
            heardMaster = source;
            becomeBackup(advert.maxAdvertIntervalCentis(), nowMillis);
        }
        return List.of();
    }

    /** Fires whichever timer is due at {@code nowMillis} (Master_Down_Timer or Adver_Timer). */
    public List<VrrpAdvert> onTimer(long nowMillis) {
        if (nowMillis < deadline) {
            return List.of();
        }
        return switch (state) {
            case INITIALIZE -> List.of();
            case BACKUP -> becomeMaster(nowMillis); // 6.4.2: Master_Down_Timer fired
            case MASTER -> { // 6.4.3: Adver_Timer fired
                deadline = nowMillis + config.advertIntervalCentis() * 10L;
                yield List.of(advert(config.priority()));
            }
        };
    }

    /**
     * A new configuration (priority, interval, preemption, addresses; same VRID and family). A master
     * advertises the change at once; a backup whose new priority allows preemption keeps its timer.
     *
     * @throws IllegalArgumentException for another VRID or family
     */
    public List<VrrpAdvert> reconfigure(Config config, long nowMillis) {
        if (config.vrid() != this.config.vrid() || config.family() != this.config.family()) {
            throw new IllegalArgumentException("VRID " + this.config.vrid() + " (" + this.config.family()
                    + ") cannot become VRID " + config.vrid() + " (" + config.family() + ")");
        }
        this.config = requirePrimary(config);
        if (state != State.MASTER) {
            // a backup's timer runs on: the new priority and preemption apply to the next advert received
            return List.of();
        }
        deadline = nowMillis + config.advertIntervalCentis() * 10L;
        return List.of(advert(config.priority()));
    }

    /** When {@link #onTimer} is due next; {@link Long#MAX_VALUE} in Initialize. */
    public long nextDeadline() {
        return deadline;
    }

    public State state() {
        return state;
    }

    /** The current master's primary address as last heard (this router's own while Master), null if none. */
    public IpAddress masterAddress() {
        return switch (state) {
            case INITIALIZE -> null;
            case BACKUP -> heardMaster;
            case MASTER -> config.primaryAddress();
        };
    }

    public Config config() {
        return config;
    }

    /** Skew_Time (6.1): a higher priority waits less, so it takes over first. */
    long skewMillis() {
        return (256 - config.priority()) * masterAdverIntervalCentis * 10L / 256;
    }

    /** Master_Down_Interval (6.1): three missed advertisements and the skew. */
    long masterDownIntervalMillis() {
        return 3 * masterAdverIntervalCentis * 10L + skewMillis();
    }

    private List<VrrpAdvert> becomeMaster(long nowMillis) {
        state = State.MASTER;
        deadline = nowMillis + config.advertIntervalCentis() * 10L;
        return List.of(advert(config.priority()));
    }

    /** Backup with the master's interval and a fresh Master_Down_Timer (6.4.1, 6.4.2, 6.4.3). */
    private void becomeBackup(int masterAdverIntervalCentis, long nowMillis) {
        state = State.BACKUP;
        this.masterAdverIntervalCentis = masterAdverIntervalCentis;
        deadline = nowMillis + masterDownIntervalMillis();
    }

    private VrrpAdvert advert(int priority) {
        return new VrrpAdvert(config.vrid(), priority, config.advertIntervalCentis(), config.addresses());
    }

    private static Config requirePrimary(Config config) {
        Objects.requireNonNull(config.primaryAddress(), "a router needs its primary address");
        return config;
    }
}
