package io.openelb.status;

import io.openelb.announce.AnnounceHalfOfCycleFixture;

/**
 * Test fixture only: the other half of the cycle of {@link AnnounceHalfOfCycleFixture}. Lives under src/test.
 */
public final class StatusHalfOfCycleFixture {
    private StatusHalfOfCycleFixture() {}

    static AnnounceHalfOfCycleFixture other() {
        return null;
    }
}
