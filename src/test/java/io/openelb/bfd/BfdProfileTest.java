package io.openelb.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BfdProfileTest {
    @Test
    void theBoundsThemselvesAreAccepted() {
        BfdProfile fastest = new BfdProfile(Duration.ofMillis(10), Duration.ofMillis(10), 2, false);
        BfdProfile slowest = new BfdProfile(Duration.ofSeconds(60), Duration.ofSeconds(60), 255, true);

        assertThat(fastest.minTxUs()).isEqualTo(10_000);
        assertThat(slowest.minRxUs()).isEqualTo(60_000_000);
    }

    @Test
    void intervalsOutsideTenMillisecondsToAMinuteAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new BfdProfile(Duration.ofMillis(5), Duration.ofMillis(300), 3, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BFD minimum transmit interval must be between 10 ms and 60000 ms, got 5 ms");
        assertThatThrownBy(() -> new BfdProfile(Duration.ofMillis(300), Duration.ofNanos(9_999_500), 3, false))
                .hasMessage("BFD minimum receive interval must be between 10 ms and 60000 ms, got 9.9995 ms");
        assertThatThrownBy(() -> new BfdProfile(Duration.ofMillis(300), Duration.ofMinutes(2), 3, false))
                .hasMessage("BFD minimum receive interval must be between 10 ms and 60000 ms, got 120000 ms");
        assertThatThrownBy(() -> new BfdProfile(null, Duration.ofMillis(300), 3, false))
                .hasMessage("BFD minimum transmit interval is required");
    }

    @Test
    void theMultiplierIsTwoTo255() {
        assertThatThrownBy(() -> new BfdProfile(Duration.ofMillis(300), Duration.ofMillis(300), 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BFD detect multiplier must be between 2 and 255, got 1");
        assertThatThrownBy(() -> new BfdProfile(Duration.ofMillis(300), Duration.ofMillis(300), 256, false))
                .hasMessage("BFD detect multiplier must be between 2 and 255, got 256");
    }
}
