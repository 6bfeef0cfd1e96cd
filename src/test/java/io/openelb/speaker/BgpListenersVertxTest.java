package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The BGP listeners on loopback: reopened on the same port, they still take connections. */
class BgpListenersVertxTest {
    private final Set<String> connectedFrom = ConcurrentHashMap.newKeySet();
    private Vertx vertx;
    /** The speaker's event loop: the listeners live on one. */
    private io.vertx.core.Context speakerLoop;
    private BgpListeners listeners;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        speakerLoop = vertx.getOrCreateContext();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // no session for anyone: each connection is looked up (recorded here), then closed
        listeners = new BgpListeners(vertx, new TcpMd5Keys(), remote -> {
            connectedFrom.add(remote);
            return Optional.empty();
        });
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /**
     * An MD5 key change reopens the listener on the same port and address. Opened before the old one had
     * closed, the new listener said "listening" and every connection to the port was refused.
     */
    @Test
    void aListenerReopenedOnTheSamePortTakesConnections() throws Exception {
        onEventLoop(() -> listeners.update(port, List.of("127.0.0.1"), false));
        assertThat(connects()).as("first listener").isTrue();

        for (int reopen = 0; reopen < 5; reopen++) {
            onEventLoop(() -> listeners.update(port, List.of("127.0.0.1"), true));

            assertThat(connects()).as("reopened listener, %d", reopen).isTrue();
            assertThat(connectedFrom).containsExactly("127.0.0.1");
        }
    }

    @Test
    void aListenerReopenedBeforeItFirstListenedTakesConnections() throws Exception {
        onEventLoop(() -> {
            listeners.update(port, List.of("127.0.0.1"), false);
            listeners.update(port, List.of("127.0.0.1"), true);
        });

        assertThat(connects()).isTrue();
    }

    @Test
    void anUpdateWhileTheLastOneStillWaitsForACloseWins() throws Exception {
        onEventLoop(() -> listeners.update(port, List.of("127.0.0.1"), false));
        assertThat(connects()).isTrue();

        onEventLoop(() -> {
            listeners.update(port, List.of("127.0.0.1"), true);
            listeners.update(0, List.of(), false); // listening turned off before the reopen happened
        });

        assertThat(connects()).as("nothing listens, for as long as a reopen would take").isFalse();
        assertThat(listeners.port()).isZero();
    }

    /** Runs the action on the speaker's loop and returns once it ran (the listens it starts complete later). */
    private void onEventLoop(Runnable action) throws Exception {
        io.vertx.core.Promise<Void> ran = io.vertx.core.Promise.promise();
        speakerLoop.runOnContext(v -> {
            action.run();
            ran.complete();
        });
        ran.future().await(5, TimeUnit.SECONDS);
    }

    /**
     * Whether a connection made by this call gets through to the listener within a few seconds (a listen may be
     * pending). Connections of earlier calls do not count: one that the kernel accepts for a listener being
     * closed never reaches it.
     */
    private boolean connects() throws Exception {
        connectedFrom.clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                vertx.createNetClient(new NetClientOptions().setConnectTimeout(500)).connect(port, "127.0.0.1")
                        .await(2, TimeUnit.SECONDS);
                long seen = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (connectedFrom.isEmpty() && System.nanoTime() < seen) {
                    Thread.sleep(20);
                }
                if (!connectedFrom.isEmpty()) {
                    return true;
                }
            } catch (Exception refused) {
                Thread.sleep(100);
            }
        }
        return false;
    }
}
