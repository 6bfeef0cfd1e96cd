package io.openelb.ui;

import java.time.Instant;

/**
 * A signed-in user. Lives in the memory of the replica that signed the user in (the metrics Service uses
 * ClientIP session affinity); never written to disk, a log or a response.
 *
 * @param id        the cookie's value: 32 random bytes, base64url
 * @param csrfToken sent back by the page in {@code X-CSRF-Token} on every write: 32 random bytes, base64url
 * @param token     the user's bearer token
 */
public record Session(String id, String csrfToken, String token, UserInfo user, Permissions can, Instant signedIn,
        Instant lastUsed) {

    /** The token stays out of {@code toString} (and so out of any log line that prints a session). */
    @Override
    public String toString() {
        return "Session[user=" + user.username() + ", signedIn=" + signedIn + "]";
    }
}
