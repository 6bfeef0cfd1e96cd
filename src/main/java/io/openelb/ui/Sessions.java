package io.openelb.ui;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The signed-in users of this replica. Time is given, so tests need no clock. Called on the HTTP verticle's
 * event loop only (the map is concurrent anyway, so a second HTTP verticle instance would be safe).
 *
 * <p>A session is gone {@link UiSettings#idleTimeout()} after its last use or {@link UiSettings#maxLifetime()}
 * after sign-in, whichever comes first. Expired sessions are dropped when looked up and swept at every sign-in,
 * so the map holds no more than the sessions live at the last sign-in plus the ones made since.
 */
public final class Sessions {
    /** 256 bits: as many as a session id or CSRF token needs to be unguessable. */
    private static final int RANDOM_BYTES = 32;

    private final UiSettings settings;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private volatile Consumer<Session> ended = session -> {};

    public Sessions(UiSettings settings) {
        this.settings = settings;
    }

    /** A new session with fresh random id and CSRF token. */
    public Session create(String token, UserInfo user, Permissions can, Instant now) {
        sweep(now);
        Session session = new Session(randomId(), randomId(), token, user, can, now, now);
        byId.put(session.id(), session);
        return session;
    }

    /** The live session with this id, its last use moved to {@code now}; empty when unknown or expired. */
    public Optional<Session> find(String id, Instant now) {
        Session found = byId.get(id);
        if (found == null) {
            return Optional.empty();
        }
        if (expired(found, now)) {
            drop(found);
            return Optional.empty();
        }
        Session used = new Session(found.id(), found.csrfToken(), found.token(), found.user(), found.can(),
                found.signedIn(), now);
        byId.replace(id, found, used);
        return Optional.of(used);
    }

    /** Signs out; returns the removed session, if there was one. */
    public Optional<Session> remove(String id) {
        return Optional.ofNullable(byId.remove(id));
    }

    /**
     * Tells {@code listener} of each session that expired (not of one removed by {@link #remove}, whose caller
     * knows), so what was kept for it (its client) can go too. Set once, by the composition of the UI.
     */
    void whenExpired(Consumer<Session> listener) {
        this.ended = listener;
    }

    /** How many sessions are held, expired or not (for tests of the sweep). */
    int held() {
        return byId.size();
    }

    private void sweep(Instant now) {
        List<Session> expired = new ArrayList<>();
        for (Session session : byId.values()) {
            if (expired(session, now)) {
                expired.add(session);
            }
        }
        expired.forEach(this::drop);
    }

    private void drop(Session session) {
        // Only this very copy: a concurrent find may have just stored a fresher one.
        if (byId.remove(session.id(), session)) {
            ended.accept(session);
        }
    }

    private boolean expired(Session session, Instant now) {
        return !now.isBefore(session.lastUsed().plus(settings.idleTimeout()))
                || !now.isBefore(session.signedIn().plus(settings.maxLifetime()));
    }

    private String randomId() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
