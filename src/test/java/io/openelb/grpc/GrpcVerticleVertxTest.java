package io.openelb.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.openelb.grpc.apipb.GetBgpResponse;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcVerticleVertxTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aPortInUseFailsTheDeploymentAndTheMessageNamesTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            GrpcVerticle grpc = new GrpcVerticle("127.0.0.1", taken.getLocalPort(), new StatusBoard());

            Throwable failure = catchThrowable(() -> vertx.deployVerticle(grpc).await(30, TimeUnit.SECONDS));

            assertThat(failure).hasMessageContaining("gRPC API cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(grpc.actualPort()).isEqualTo(-1);
            assertThat(vertx.deploymentIDs()).isEmpty();
        }
    }

    @Test
    void aFreePortIsListenedOnOnceTheDeploymentSucceeded() throws Exception {
        GrpcVerticle grpc = new GrpcVerticle("127.0.0.1", 0, new StatusBoard());

        vertx.deployVerticle(grpc).await(30, TimeUnit.SECONDS);

        assertThat(grpc.actualPort()).isPositive();
    }

    @Test
    void callsThatArriveWhileTheServiceIsBuiltAtTheFirstRequestAreAllAnswered() throws Exception {
        GrpcVerticle grpc = new GrpcVerticle("127.0.0.1", 0, new StatusBoard());
        vertx.deployVerticle(grpc).await(30, TimeUnit.SECONDS);

        List<Future<GetBgpResponse>> first = IntStream.range(0, 4)
                .mapToObj(i -> GetBgpCall.send(vertx, grpc.actualPort())).toList();
        Future.all(first).await(30, TimeUnit.SECONDS);
        GetBgpResponse later = GetBgpCall.send(vertx, grpc.actualPort()).await(30, TimeUnit.SECONDS);

        assertThat(first).allSatisfy(answer -> assertThat(answer.result().hasGlobal()).isTrue());
        assertThat(later.hasGlobal()).isTrue();
    }
}
