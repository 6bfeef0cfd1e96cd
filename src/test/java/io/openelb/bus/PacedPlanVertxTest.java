package io.openelb.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pacing on a real Vert.x context, as the verticles build it: both ways to a run (at once, and after a
 * timer while paced) end on the verticle's context. The pacing itself is timed in {@link PacedPlanTest}.
 */
@ExtendWith(VertxExtension.class)
class PacedPlanVertxTest {

    @Test
    void runsAtOnceAndAfterItsPaceOnTheVerticlesContext(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        List<Context> ranOn = new CopyOnWriteArrayList<>();
        CountDownLatch twoRuns = new CountDownLatch(2);
        PacedPlan[] paced = new PacedPlan[1];
        paced[0] = new PacedPlan(context, () -> {
            ranOn.add(Vertx.currentContext());
            busy(20); // the next run waits 40 ms: a timer
            if (ranOn.size() == 1) {
                context.runOnContext(v -> paced[0].request());
            }
            twoRuns.countDown();
        });

        context.runOnContext(v -> {
            for (int i = 0; i < 100; i++) {
                paced[0].request();
            }
        });

        assertThat(twoRuns.await(10, TimeUnit.SECONDS)).as("both runs").isTrue();
        assertThat(ranOn).containsExactly(context, context);
    }

    private static void busy(int millis) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(millis)) {
            Thread.onSpinWait();
        }
    }
}
