package io.openelb.grpc;

import io.openelb.grpc.apipb.GobgpApiGrpcService;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpServerOptions;
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

    public GrpcVerticle(String host, int port, StatusBoard board) {
        this.host = host;
        this.port = port;
        this.board = board;
    }

    @Override
    public Future<?> start() {
        // Building the service loads and links the protobuf descriptors: seconds on a busy 2-core node, so
        // on a worker, never on the event loop (it blocked the main loop for 5 s in a loaded lab run).
        return vertx.executeBlocking(() -> GrpcServer.server(vertx)
                        .addService(GobgpApiGrpcService.of(new GobgpApiServer(board))), false)
                .compose(grpc -> vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                        .requestHandler(grpc)
                        .listen()
                        .recover(e -> Future.failedFuture(new IllegalStateException("gobgp-compatible gRPC API "
                                + "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e))))
                .onSuccess(s -> {
                    server = s;
                    LOG.info("gobgp-compatible gRPC API on {}:{}", host, s.actualPort());
                })
                .compose(s -> warmUp(s.actualPort()));
    }

    /**
     * One GetBgp call to ourselves before the API counts as started. The first HTTP/2 connection and call
     * load a few hundred classes (Netty's HTTP/2 codec, the gRPC server, the protobuf descriptors); on a busy
     * node that took longer than the gobgp CLI's one-second connect deadline ("context deadline exceeded").
     * Its outcome does not matter.
     */
    private Future<Void> warmUp(int actualPort) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        String target = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "::1" : host;
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target).setPort(actualPort)
                        .setURI(GobgpApiGrpcService.SERVICE_NAME.pathOf("GetBgp"))
                        .putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
                .compose(request -> request.send(Buffer.buffer(new byte[5]))) // one empty, uncompressed message
                .compose(HttpClientResponse::body)
                .<Void>mapEmpty()
                .otherwise(e -> null)
                .eventually(client::close);
    }

    /** The port listened on (the chosen one when configured as 0), or -1 when not listening. */
    public int actualPort() {
        return server == null || server.actualPort() == 0 ? -1 : server.actualPort();
    }
}
