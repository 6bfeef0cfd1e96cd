package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.vip.HealthHistory.Verdict;
import org.junit.jupiter.api.Test;

class HealthHistoryTest {
    @Test
    void startsUnknownUntilEnoughResultsInARow() {
        HealthHistory history = new HealthHistory(2, 3);

        assertThat(history.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(history.record(true)).isEqualTo(Verdict.UNKNOWN);
        assertThat(history.record(false)).isEqualTo(Verdict.UNKNOWN);
        assertThat(history.record(true)).isEqualTo(Verdict.UNKNOWN);
        assertThat(history.record(true)).isEqualTo(Verdict.HEALTHY);
    }

    @Test
    void aFirstRunOfFailuresMakesItUnhealthyWithoutEverBeingHealthy() {
        HealthHistory history = new HealthHistory(2, 2);

        history.record(false);

        assertThat(history.record(false)).isEqualTo(Verdict.UNHEALTHY);
    }

    @Test
    void fewerFailuresThanFallKeepItHealthy() {
        HealthHistory history = new HealthHistory(2, 3);
        history.record(true);
        history.record(true);

        assertThat(history.record(false)).isEqualTo(Verdict.HEALTHY);
        assertThat(history.record(false)).isEqualTo(Verdict.HEALTHY);
        assertThat(history.record(true)).as("a success resets the count").isEqualTo(Verdict.HEALTHY);
        assertThat(history.record(false)).isEqualTo(Verdict.HEALTHY);
        assertThat(history.record(false)).isEqualTo(Verdict.HEALTHY);
        assertThat(history.record(false)).isEqualTo(Verdict.UNHEALTHY);
    }

    @Test
    void fewerSuccessesThanRiseKeepItUnhealthy() {
        HealthHistory history = new HealthHistory(3, 1);
        assertThat(history.record(false)).isEqualTo(Verdict.UNHEALTHY);

        assertThat(history.record(true)).isEqualTo(Verdict.UNHEALTHY);
        assertThat(history.record(true)).isEqualTo(Verdict.UNHEALTHY);
        assertThat(history.record(false)).isEqualTo(Verdict.UNHEALTHY);
        assertThat(history.record(true)).isEqualTo(Verdict.UNHEALTHY);
        assertThat(history.record(true)).isEqualTo(Verdict.UNHEALTHY);
        assertThat(history.record(true)).isEqualTo(Verdict.HEALTHY);
    }

    @Test
    void riseAndFallOfOneFollowEachResult() {
        HealthHistory history = new HealthHistory(1, 1);

        assertThat(history.record(true)).isEqualTo(Verdict.HEALTHY);
        assertThat(history.record(false)).isEqualTo(Verdict.UNHEALTHY);
        assertThat(history.record(true)).isEqualTo(Verdict.HEALTHY);
    }

    @Test
    void countsBelowOneAreRefused() {
        assertThatThrownBy(() -> new HealthHistory(0, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
