package io.openelb.grpc;

import io.openelb.grpc.apipb.GetBgpResponse;
import io.openelb.grpc.apipb.GobgpApiGrpcService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;

/**
 * Test fixture: gobgp's GetBgp call as its CLI makes it, over HTTP/2 without TLS and without a gRPC client
 * library (the project has only the server), with an empty request message.
 */
public final class GetBgpCall {
    private GetBgpCall() {}

    /** One call on a connection of its own; fails unless the answer is a GetBgpResponse with status OK. */
    public static Future<GetBgpResponse> send(Vertx vertx, int port) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                        .setURI(GobgpApiGrpcService.SERVICE_NAME.pathOf("GetBgp"))
                        .putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
                .compose(request -> request.send(Buffer.buffer(new byte[5]))) // not compressed, length 0
                .compose(response -> response.body().map(body -> answer(response, body)))
                .eventually(client::close);
    }

    private static GetBgpResponse answer(HttpClientResponse response, Buffer body) {
        String status = response.trailers().get("grpc-status");
        if (!"0".equals(status)) {
            throw new IllegalStateException("grpc-status " + status + ": " + response.trailers().get("grpc-message"));
        }
        byte[] framed = body.getBytes(); // 1 byte compressed flag, 4 bytes length, the message
        try {
            return GetBgpResponse.parseFrom(Arrays.copyOfRange(framed, 5, framed.length));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
