package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.ipam.ServiceKey;
import org.junit.jupiter.api.Test;

class OwnWritesTest {
    private static final ServiceKey WEB = new ServiceKey("shop", "web");
    private final OwnWrites writes = new OwnWrites();

    /** The status write moved web from 10 to 11, the claim from 11 to 12: the watch delivers 11, then 12. */
    @Test
    void theVersionsOurWritesReplacedAreStaleUntilTheWatchDeliversALaterOne() {
        writes.written(WEB, "10", "11");
        writes.written(WEB, "11", "12");

        assertThat(writes.replacedVersion(WEB, "10")).isTrue();
        assertThat(writes.replacedVersion(WEB, "11")).isTrue();
        assertThat(writes.replacedVersion(WEB, "12")).as("our last write: caught up").isFalse();
        assertThat(writes.replacedVersion(WEB, "11")).as("forgotten once caught up").isFalse();
    }

    @Test
    void aVersionNobodyReplacedIsCurrent() {
        assertThat(writes.replacedVersion(WEB, "10")).isFalse();

        writes.written(WEB, "10", "11");
        assertThat(writes.replacedVersion(new ServiceKey("shop", "api"), "10")).as("another Service").isFalse();
        assertThat(writes.replacedVersion(WEB, "13")).as("someone else's later write").isFalse();
        assertThat(writes.replacedVersion(WEB, "10")).as("forgotten").isFalse();
    }

    @Test
    void aWriteThatFoundTheServiceGoneReplacesNothing() {
        writes.written(WEB, "10", "10"); // a 404 answers with the version the write was made at

        assertThat(writes.replacedVersion(WEB, "10")).isFalse();
    }

    @Test
    void aReleasedServiceIsForgotten() {
        writes.written(WEB, "10", "11");
        writes.forget(WEB);

        assertThat(writes.replacedVersion(WEB, "10")).isFalse();
    }
}
