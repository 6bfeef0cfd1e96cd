package io.openelb.model;

import io.openelb.config.Role;

/**
 * Test fixture only: a class in the pure model that uses a shell package ({@code config}), which
 * {@code LayeringTest} must reject. Lives under src/test so production never contains it.
 */
public final class ShellDependencyFixture {
    private ShellDependencyFixture() {}

    static boolean runsController(Role role) {
        return role.runsController();
    }
}
