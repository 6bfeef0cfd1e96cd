package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class ReconcileQueueTest {
    private static final LongUnaryOperator LONGEST = max -> max;
    private static final LongUnaryOperator SHORTEST = max -> max / 2;

    @Test
    void aServiceThatKeepsFailingWaitsTwiceAsLongEachTimeUpToACap() {
        assertThat(ReconcileQueue.retryDelay(1, LONGEST)).isEqualTo(ReconcileQueue.RETRY_MS);
        assertThat(ReconcileQueue.retryDelay(2, LONGEST)).isEqualTo(2 * ReconcileQueue.RETRY_MS);
        assertThat(ReconcileQueue.retryDelay(3, LONGEST)).isEqualTo(4 * ReconcileQueue.RETRY_MS);
        assertThat(ReconcileQueue.retryDelay(40, LONGEST)).isEqualTo(ReconcileQueue.MAX_RETRY_MS);
    }

    @Test
    void theJitterDrawsFromTheSecondHalfOfEachDelay() {
        assertThat(ReconcileQueue.retryDelay(1, SHORTEST)).isEqualTo(ReconcileQueue.RETRY_MS / 2);
        for (int i = 0; i < 1000; i++) {
            long delay = ReconcileQueue.retryDelay(3, ReconcileQueue.JITTER);
            assertThat(delay).isBetween(2 * ReconcileQueue.RETRY_MS, 4 * ReconcileQueue.RETRY_MS);
        }
    }
}
