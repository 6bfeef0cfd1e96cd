package io.openelb.bfd;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * How one BFD session is configured. The bounds are FRR bfdd's: a JVM cannot keep timers tighter than
 * about 10 ms through garbage collection and scheduling, and beyond a minute BGP's own hold timer detects
 * as fast. The Echo function is not supported, so there is no echo interval.
 *
 * @param minTx            bfd.DesiredMinTxInterval once Up (while not Up we advertise at least 1 s, RFC 5880
 *                         section 6.8.3); 10 ms .. 60 s, in whole microseconds on the wire
 * @param minRx            bfd.RequiredMinRxInterval: the fastest we accept the peer's packets; 10 ms .. 60 s
 * @param detectMultiplier bfd.DetectMult: how many of our packets the peer may miss; 2..255 (1 would leave no
 *                         room for a single lost packet, and would need the 75-90 % jitter of section 6.8.7)
 * @param passive          wait for the peer's first packet before sending any (section 6.1); the peer must
 *                         then be active
 */
public record BfdProfile(Duration minTx, Duration minRx, int detectMultiplier, boolean passive) {
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    public static final Duration MAX_INTERVAL = Duration.ofSeconds(60);
    public static final int MIN_MULTIPLIER = 2;
    public static final int MAX_MULTIPLIER = 255;
    /** FRR bfdd's defaults: 300 ms both ways, multiplier 3 (detection in 900 ms), active. */
    public static final BfdProfile DEFAULT = new BfdProfile(Duration.ofMillis(300), Duration.ofMillis(300), 3, false);

    public BfdProfile {
        checkInterval("minimum transmit interval", minTx);
        checkInterval("minimum receive interval", minRx);
        if (detectMultiplier < MIN_MULTIPLIER || detectMultiplier > MAX_MULTIPLIER) {
            throw new IllegalArgumentException("BFD detect multiplier must be between " + MIN_MULTIPLIER + " and "
                    + MAX_MULTIPLIER + ", got " + detectMultiplier);
        }
    }

    public long minTxUs() {
        return micros(minTx);
    }

    public long minRxUs() {
        return micros(minRx);
    }

    private static void checkInterval(String name, Duration interval) {
        if (interval == null) {
            throw new IllegalArgumentException("BFD " + name + " is required");
        }
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("BFD " + name + " must be between " + millis(MIN_INTERVAL) + " and "
                    + millis(MAX_INTERVAL) + ", got " + millis(interval));
        }
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    private static String millis(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 6).stripTrailingZeros().toPlainString() + " ms";
    }
}
