package io.openelb.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.bgp.fsm.Event;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.NeighborView;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write that fails is a connection failure for the state machine, reported once per connection; the
 * connection is a stand-in socket whose writes fail, so no network is needed.
 */
class FailedWriteVertxTest {
    private static final SessionConfig PASSIVE = new SessionConfig(64513, 0x0a000001L, 64512, Set.of(IpFamily.IPV4),
            Duration.ofSeconds(9), null, Duration.ofSeconds(30), Duration.ofSeconds(60), true, -1);
    private static final PeerTarget TARGET = new PeerTarget("router", IpAddress.parse("127.0.0.1"), 179, null, 0,
            PASSIVE);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aFailedWriteIsReportedOnceAsAConnectionFailure() {
        FakeSocket socket = new FakeSocket(Future.failedFuture(new IOException("Broken pipe")));
        List<Event> events = new ArrayList<>();
        PeerConnection connection = new PeerConnection(vertx, TARGET, listener(events));
        connection.offer(socket.proxy);
        connection.adoptIncoming();

        connection.write(new byte[19]);
        connection.write(new byte[19]);

        assertThat(events).containsExactly(new Event.TcpFailed("write failed: Broken pipe"));
    }

    @Test
    void aWriteThatFailsAfterItsConnectionWasClosedIsNotReported() {
        Promise<Void> written = Promise.promise();
        FakeSocket socket = new FakeSocket(written.future());
        List<Event> events = new ArrayList<>();
        PeerConnection connection = new PeerConnection(vertx, TARGET, listener(events));
        connection.offer(socket.proxy);
        connection.adoptIncoming();

        connection.write(new byte[19]);
        connection.close();
        written.fail(new IOException("Connection reset by peer"));

        assertThat(events).isEmpty();
        assertThat(socket.ended).isTrue();
    }

    @Test
    void aSessionWhoseOpenCannotBeWrittenGoesBackToIdleAndSaysWhy() throws Exception {
        StatusBoard board = new StatusBoard();
        FakeSocket socket = new FakeSocket(Future.failedFuture(new IOException("Broken pipe")));

        boolean taken = onEventLoop(() -> {
            BgpSession session = new BgpSession(vertx, TARGET, new BgpMetrics(new SimpleMeterRegistry()),
                    (peer, status) -> { }, board);
            session.start();
            return session.accept(socket.proxy);
        });

        NeighborView view = board.neighbors().get(0);
        assertThat(taken).as("the connection is closed again").isFalse();
        assertThat(view.state()).isEqualTo("IDLE");
        assertThat(view.lastError()).isEqualTo("connection failed: write failed: Broken pipe");
        assertThat(view.sent().open()).isEqualTo(1);
        assertThat(socket.ended).isTrue();
    }

    private <T> T onEventLoop(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private static PeerConnection.Listener listener(List<Event> events) {
        return new PeerConnection.Listener() {
            @Override
            public boolean connecting() {
                return false;
            }

            @Override
            public void event(Event event) {
                events.add(event);
            }

            @Override
            public void frame(byte[] frame) {
                throw new AssertionError("no frames expected");
            }
        };
    }

    /** A connected socket whose every write ends as {@code writes} does; it records being ended. */
    private static final class FakeSocket {
        final NetSocket proxy;
        volatile boolean ended;

        FakeSocket(Future<Void> writes) {
            proxy = (NetSocket) Proxy.newProxyInstance(NetSocket.class.getClassLoader(),
                    new Class<?>[] {NetSocket.class}, (self, method, args) -> switch (method.getName()) {
                        case "write" -> writes;
                        case "end", "close" -> {
                            ended = true;
                            yield Future.succeededFuture();
                        }
                        case "localAddress", "remoteAddress" -> SocketAddress.inetSocketAddress(179, "127.0.0.1");
                        case "equals" -> self == args[0];
                        case "hashCode" -> System.identityHashCode(self);
                        case "toString" -> "fake socket";
                        default -> method.getReturnType() == NetSocket.class ? self
                                : method.getReturnType() == boolean.class ? false : null;
                    });
        }
    }
}
