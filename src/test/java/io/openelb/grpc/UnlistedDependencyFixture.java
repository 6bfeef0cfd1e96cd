package io.openelb.grpc;

import io.openelb.ipam.ServiceKey;

/**
 * Test fixture only: a shell ({@code grpc}) that uses a package its row of the layering table does not
 * list ({@code ipam}), which {@code LayeringTest} must reject. Lives under src/test.
 */
public final class UnlistedDependencyFixture {
    private UnlistedDependencyFixture() {}

    static String describe(ServiceKey key) {
        return key.toString();
    }
}
