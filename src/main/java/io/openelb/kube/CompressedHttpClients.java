package io.openelb.kube;

import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * fabric8's Vert.x 5 HTTP client that asks the API server for gzip, as client-go does. The API server
 * compresses large responses (the initial lists; watch events stay plain), and TLS then decrypts a twentieth
 * of the bytes: with the C1 compiler alone the JVM decrypts AES-GCM without its CPU intrinsics, which took
 * a third of the CPU samples of a speaker listing 10,000 Services and their EndpointSlices at start.
 */
public final class CompressedHttpClients extends Vertx5HttpClientFactory {
    public CompressedHttpClients(Vertx vertx) {
        super(vertx);
    }

    @Override
    protected void additionalConfig(WebClientOptions options, WebSocketClientOptions webSockets, PoolOptions pool) {
        options.setDecompressionSupported(true);
    }
}
