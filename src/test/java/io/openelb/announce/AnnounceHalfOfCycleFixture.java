package io.openelb.announce;

import io.openelb.status.StatusHalfOfCycleFixture;

/**
 * Test fixture only: with {@link StatusHalfOfCycleFixture} it forms a cycle between the packages
 * {@code announce} and {@code status}, which {@code LayeringTest} must reject. Lives under src/test.
 */
public final class AnnounceHalfOfCycleFixture {
    private AnnounceHalfOfCycleFixture() {}

    static StatusHalfOfCycleFixture other() {
        return null;
    }
}
