package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private static final Instant T0 = Instant.parse("2026-12-05T20:00:00Z");
    private static final UiSettings SETTINGS = new UiSettings(false, Duration.ofMinutes(30), Duration.ofHours(8));
    private static final UserInfo ALICE = new UserInfo("alice", List.of("devs"));

    private final Sessions sessions = new Sessions(SETTINGS);

    private Session signIn(Instant now) {
        return sessions.create("secret-token", ALICE, Permissions.NONE, now);
    }

    @Test
    void idAndCsrfTokenAre32RandomBytesInBase64Url() {
        Session session = signIn(T0);

        assertThat(Base64.getUrlDecoder().decode(session.id())).hasSize(32);
        assertThat(Base64.getUrlDecoder().decode(session.csrfToken())).hasSize(32);
        assertThat(session.id()).doesNotContain("=", "+", "/").isNotEqualTo(session.csrfToken());
    }

    @Test
    void everySessionGetsItsOwnIdAndCsrfToken() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Session session = signIn(T0);
            assertThat(seen.add(session.id())).isTrue();
            assertThat(seen.add(session.csrfToken())).isTrue();
        }
    }

    @Test
    void findReturnsTheSessionWithItsLastUseMoved() {
        Session session = signIn(T0);

        Session found = sessions.find(session.id(), T0.plusSeconds(60)).orElseThrow();

        assertThat(found.token()).isEqualTo("secret-token");
        assertThat(found.user()).isEqualTo(ALICE);
        assertThat(found.csrfToken()).isEqualTo(session.csrfToken());
        assertThat(found.signedIn()).isEqualTo(T0);
        assertThat(found.lastUsed()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void unknownIdFindsNothing() {
        signIn(T0);

        assertThat(sessions.find("no-such-id", T0)).isEmpty();
    }

    @Test
    void sessionUnusedForTheIdleTimeoutIsGone() {
        Session session = signIn(T0);

        assertThat(sessions.find(session.id(), T0.plus(Duration.ofMinutes(30)))).isEmpty();
        assertThat(sessions.find(session.id(), T0)).as("dropped, not only hidden").isEmpty();
    }

    @Test
    void useKeepsASessionAliveBeyondTheIdleTimeout() {
        Session session = signIn(T0);
        Instant now = T0;
        for (int i = 0; i < 3; i++) {
            now = now.plus(Duration.ofMinutes(29));
            assertThat(sessions.find(session.id(), now)).isPresent();
        }
    }

    @Test
    void sessionIsGoneAfterItsMaximumLifetimeEvenWhenUsed() {
        Session session = signIn(T0);
        Instant now = T0;
        while (now.isBefore(T0.plus(Duration.ofHours(8)).minus(Duration.ofMinutes(20)))) {
            now = now.plus(Duration.ofMinutes(20));
            assertThat(sessions.find(session.id(), now)).isPresent();
        }

        assertThat(sessions.find(session.id(), T0.plus(Duration.ofHours(8)))).isEmpty();
    }

    @Test
    void removeSignsOutAndReturnsTheSession() {
        Session session = signIn(T0);

        assertThat(sessions.remove(session.id())).contains(session);
        assertThat(sessions.find(session.id(), T0)).isEmpty();
        assertThat(sessions.remove(session.id())).isEmpty();
    }

    @Test
    void signInSweepsExpiredSessionsAndReportsThem() {
        List<Session> expired = new ArrayList<>();
        sessions.whenExpired(expired::add);
        Session old1 = signIn(T0);
        Session old2 = signIn(T0);

        Session fresh = signIn(T0.plus(Duration.ofHours(1)));

        assertThat(sessions.held()).isEqualTo(1);
        assertThat(expired).containsExactlyInAnyOrder(old1, old2);
        assertThat(sessions.find(fresh.id(), T0.plus(Duration.ofHours(1)))).isPresent();
    }

    @Test
    void expiredSessionFoundIsReportedOnce() {
        List<Session> expired = new ArrayList<>();
        sessions.whenExpired(expired::add);
        Session session = signIn(T0);

        sessions.find(session.id(), T0.plus(Duration.ofHours(1)));
        sessions.find(session.id(), T0.plus(Duration.ofHours(1)));

        assertThat(expired).containsExactly(session);
    }

    @Test
    void tokenStaysOutOfToString() {
        assertThat(signIn(T0).toString()).doesNotContain("secret-token");
    }
}
