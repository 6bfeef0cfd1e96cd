package io.openelb.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledReadTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void readsOncePerPeriodAndKeepsTheValueInBetween() throws IOException {
        ThrottledRead<Integer> value = new ThrottledRead<>(reads::incrementAndGet, 1000, now::get);

        assertThat(value.get()).isEqualTo(1);
        now.set(999);
        assertThat(value.get()).isEqualTo(1);
        now.set(1000);
        assertThat(value.get()).isEqualTo(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aFailedReadIsNotKept() throws IOException {
        ThrottledRead<Integer> value = new ThrottledRead<>(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new IOException("interface gone");
            }
            return reads.get();
        }, 1000, now::get);

        assertThatThrownBy(value::get).hasMessage("interface gone");
        assertThat(value.get()).isEqualTo(2);
    }
}
