package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a flood of malformed frames puts in the log: each reason once a minute, with how many were not logged. */
class MalformedLogTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final MalformedLog log = new MalformedLog(now::get);

    private void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void aReasonIsLoggedOnceAMinuteWithTheCountOfThoseNotLogged() {
        assertThat(log.record("version 2")).isEqualTo("version 2");
        for (int i = 0; i < 999; i++) {
            assertThat(log.record("version 2")).isNull();
        }
        advanceSeconds(59);
        assertThat(log.record("version 2")).isNull();
        advanceSeconds(1);

        assertThat(log.record("version 2")).isEqualTo("version 2 (1000 more like it since it was last logged)");
        assertThat(log.record("version 2")).isNull();
        assertThat(log.count()).isEqualTo(1003);
    }

    @Test
    void distinctReasonsAreLoggedEachOnItsOwn() {
        assertThat(log.record("version 2")).isEqualTo("version 2");
        assertThat(log.record("bad checksum")).isEqualTo("bad checksum");
        assertThat(log.record("version 2")).isNull();
        assertThat(log.record("bad checksum")).isNull();
    }

    @Test
    void manyDistinctReasonsInAMinuteLogOnlyTheFirstFewButAllAreCounted() {
        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            if (log.record("bad checksum 0x" + Integer.toHexString(i)) != null) {
                logged++;
            }
        }
        assertThat(logged).isEqualTo(MalformedLog.MAX_MESSAGES);
        assertThat(log.count()).isEqualTo(10_000);

        advanceSeconds(60);
        assertThat(log.record("a new reason")).as("a minute later the old reasons make room").isEqualTo("a new reason");
    }
}
