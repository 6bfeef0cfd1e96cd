package io.openelb.model;

import io.vertx.core.Vertx;

/**
 * Test fixture only: a class in a pure package that imports Vert.x, which
 * {@code PurePackagesTest} must reject. Lives under src/test so production never contains it.
 */
public final class ForbiddenImportFixture {
    private ForbiddenImportFixture() {}

    static int eventLoops(Vertx vertx) {
        return vertx.isNativeTransportEnabled() ? 1 : 0;
    }
}
