package io.openelb.bgp.fsm;

import java.time.Duration;

/**
 * How long a session waits before its next connection attempt; pure, called by {@link Session}. The session
 * verticle varies each wait by a quarter either way (jitter), so that speakers do not reconnect in step.
 */
final class RetryDelays {
    /** The least wait after the peer's first Administrative Shutdown; doubled per further one. */
    static final Duration SHUT_DOWN_RETRY = Duration.ofSeconds(60);
    static final Duration MAX_SHUT_DOWN_RETRY = Duration.ofMinutes(10);

    private RetryDelays() {}

    /** connectRetry * 2^(failures-1), at most maxConnectRetry. */
    static Duration backoff(SessionConfig config, int failures) {
        long ms = config.connectRetry().toMillis() << Math.min(Math.max(failures - 1, 0), 20);
        return Duration.ofMillis(Math.min(ms, config.maxConnectRetry().toMillis()));
    }

    /**
     * The wait before the next attempt: the {@link #backoff} of the failures; once the peer has sent Cease /
     * Administrative Shutdown (RFC 4486, {@code shutdowns} of them since the session was last Established),
     * at least {@link #SHUT_DOWN_RETRY} doubled per further one, at most {@link #MAX_SHUT_DOWN_RETRY}, for
     * every attempt until a session is Established again: the peer's operator took the session down, and an
     * attempt every few seconds would only fill both logs until they bring it back.
     */
    static Duration next(SessionConfig config, int failures, int shutdowns) {
        Duration backoff = backoff(config, failures);
        if (shutdowns == 0) {
            return backoff;
        }
        long ms = Math.min(SHUT_DOWN_RETRY.toMillis() << Math.min(shutdowns - 1, 20), MAX_SHUT_DOWN_RETRY.toMillis());
        return backoff.toMillis() > ms ? backoff : Duration.ofMillis(ms);
    }
}
