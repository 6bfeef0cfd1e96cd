package io.openelb.vip;

/**
 * The verdict on the local API server from its consecutive check results, as HAProxy's and keepalived's
 * rise and fall: {@code rise} successes in a row make it healthy, {@code fall} failures in a row unhealthy;
 * anything shorter keeps the verdict. It starts {@link Verdict#UNKNOWN}: the node does not compete for the
 * address until a first verdict (starting late is better than holding an address with no API server behind
 * it). Pure; used on one thread.
 */
final class HealthHistory {
    /** The node's health as the election sees it. */
    enum Verdict { UNKNOWN, HEALTHY, UNHEALTHY }

    private final int rise;
    private final int fall;
    private Verdict verdict = Verdict.UNKNOWN;
    private boolean lastResult;
    private int inARow;

    HealthHistory(int rise, int fall) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1");
        }
        this.rise = rise;
        this.fall = fall;
    }

    /** Records one check's result; returns the verdict after it. */
    Verdict record(boolean healthy) {
        inARow = inARow > 0 && healthy == lastResult ? inARow + 1 : 1;
        lastResult = healthy;
        if (healthy && inARow >= rise) {
            verdict = Verdict.HEALTHY;
        } else if (!healthy && inARow >= fall) {
            verdict = Verdict.UNHEALTHY;
        }
        return verdict;
    }

    Verdict verdict() {
        return verdict;
    }
}
