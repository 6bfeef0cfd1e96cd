package io.openelb.ui;

import java.time.Instant;
import java.util.Optional;

/**
 * The signed-in users of this replica. Time is given, so tests need no clock. Called on the HTTP verticle's
 * event loop only.
 */
public final class Sessions {
    private final UiSettings settings;

    public Sessions(UiSettings settings) {
        this.settings = settings;
    }

    /** A new session with fresh random id and CSRF token. */
    public Session create(String token, UserInfo user, Permissions can, Instant now) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The live session with this id, its last use moved to {@code now}; empty when unknown or expired. */
    public Optional<Session> find(String id, Instant now) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Signs out; returns the removed session, if there was one. */
    public Optional<Session> remove(String id) {
        throw new UnsupportedOperationException("not yet");
    }
}
