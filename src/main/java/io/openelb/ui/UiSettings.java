package io.openelb.ui;

import java.time.Duration;

/**
 * How the UI runs.
 *
 * @param writes       false (the default): read-only, every write answers 403 whatever the user's rights
 * @param idleTimeout  a session unused this long is gone
 * @param maxLifetime  a session is gone this long after sign-in, used or not
 */
public record UiSettings(boolean writes, Duration idleTimeout, Duration maxLifetime) {
    public static final UiSettings DEFAULTS = new UiSettings(false, Duration.ofMinutes(30), Duration.ofHours(8));
}
