package io.openelb.grpc;

import io.openelb.grpc.apipb.GobgpApiGrpcService;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.server.GrpcServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the speaker's subset of gobgp's gRPC API ({@code apipb.GobgpApi}: GetBgp, ListPeer, ListPath) over
 * HTTP/2 without TLS, as gobgpd does, so {@code gobgp -u HOST -p PORT global|neighbor|global rib} works
 * against it. Runs on the main Vertx (no TCP MD5 transport) and reads the {@link StatusBoard}.
 *
 * <p>A port that cannot be bound fails the start, with the address in the message, as the HTTP endpoint's
 * does: the process then stops rather than run without an API its users were told is there. Announcing does
 * not wait for it ({@code Main} does not await this start, it stops the process if it fails).
 */
public final class GrpcVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcVerticle.class);

    private final String host;
    private final int port;
    private final StatusBoard board;
    private HttpServer server;
    private Future<GrpcServer> grpc;

    public GrpcVerticle(String host, int port, StatusBoard board) {
        this.host = host;
        this.port = port;
        this.board = board;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(this::serve)
                .listen()
                .recover(e -> Future.failedFuture(new IllegalStateException("gobgp-compatible gRPC API "
                        + "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)))
                .onSuccess(s -> {
                    server = s;
                    LOG.info("gobgp-compatible gRPC API on {}:{}", host, s.actualPort());
                });
    }

    /**
     * Hands a request to the gRPC service, built at the first request: until someone runs the gobgp CLI, the
     * process loads neither the protobuf descriptors and messages nor Netty's HTTP/2 codec (~800 classes).
     * The build loads and links the descriptors, seconds on a busy 2-core node, so it runs on a worker
     * (it once blocked the event loop for 5 s); the requests that arrive meanwhile wait, paused.
     */
    private void serve(HttpServerRequest request) {
        if (grpc == null) {
            grpc = vertx.executeBlocking(() -> GrpcServer.server(vertx)
                    .addService(GobgpApiGrpcService.of(new GobgpApiServer(board))), false);
        }
        request.pause();
        grpc.onComplete(built -> {
            if (built.succeeded()) {
                built.result().handle(request);
                request.resume();
            } else {
                LOG.error("gobgp-compatible gRPC API cannot serve: {}", built.cause().toString());
                request.response().setStatusCode(500).end();
            }
        });
    }

    /** The port listened on (the chosen one when configured as 0), or -1 when not listening. */
    public int actualPort() {
        return server == null || server.actualPort() == 0 ? -1 : server.actualPort();
    }
}
