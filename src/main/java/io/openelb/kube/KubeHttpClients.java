package io.openelb.kube;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.TCPSSLOptions;
import io.vertx.core.spi.tls.DefaultSslContextFactory;
import io.vertx.core.spi.tls.SslContextFactory;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.management.ManagementFactory;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * fabric8's Vert.x 5 HTTP client as the roles talk to the API server:
 * <ul>
 * <li>It asks for gzip, as client-go does. The API server compresses large responses (the initial lists; watch
 * events stay plain), and TLS then decrypts a twentieth of the bytes.</li>
 * <li>It offers ChaCha20-Poly1305 first when the JVM has no AES-GCM intrinsics, as in the image: they are C2's,
 * and the image runs C1 alone ({@code -XX:TieredStopAtLevel=1}). In Java code ChaCha20-Poly1305 is about four
 * times as fast as AES-GCM (C1, this project's CI machine: 105 vs 25 MB/s); a Go API server takes the client's
 * first choice between the two. With C2 and AES-NI, AES-GCM is the faster by far and the JDK's order stays.</li>
 * </ul>
 * Decrypting took a third of the CPU samples of a speaker listing 10,000 Services at start (before gzip) and
 * a tenth of those of a speaker serving a burst of 500 (before ChaCha20-Poly1305; 2% after).
 */
public final class KubeHttpClients extends Vertx5HttpClientFactory {
    private final List<String> cipherSuites;

    public KubeHttpClients(Vertx vertx) {
        this(vertx, aesGcmIntrinsics() ? List.of() : chachaFirst(defaultCipherSuites()));
    }

    /** {@code cipherSuites} in order of preference; empty: the JDK's. */
    KubeHttpClients(Vertx vertx, List<String> cipherSuites) {
        super(vertx);
        this.cipherSuites = List.copyOf(cipherSuites);
    }

    @Override
    protected void additionalConfig(WebClientOptions options, WebSocketClientOptions webSockets, PoolOptions pool) {
        options.setDecompressionSupported(true);
        if (cipherSuites.isEmpty()) {
            return;
        }
        // requests and lists go over HTTP, watches over WebSockets
        for (TCPSSLOptions tls : List.of(options, webSockets)) {
            cipherSuites.forEach(tls::addEnabledCipherSuite);
            tls.setSslEngineOptions(new OrderedCipherSuites(cipherSuites));
        }
    }

    /**
     * Vert.x's JDK TLS engine, offering the enabled cipher suites in the order given: Vert.x 5.0 hands them to
     * Netty in a {@code HashSet}, in no order, and a Go API server follows the client's order.
     */
    private static final class OrderedCipherSuites extends JdkSSLEngineOptions {
        private final List<String> order;

        OrderedCipherSuites(List<String> order) {
            this.order = order;
        }

        @Override
        public OrderedCipherSuites copy() {
            OrderedCipherSuites copy = new OrderedCipherSuites(order);
            copy.setUseWorkerThread(getUseWorkerThread());
            return copy;
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new DefaultSslContextFactory(SslProvider.JDK, false) {
                @Override
                public SslContextFactory enabledCipherSuites(Set<String> enabled) {
                    Set<String> inOrder = new LinkedHashSet<>(order);
                    inOrder.retainAll(enabled);
                    inOrder.addAll(enabled);
                    return super.enabledCipherSuites(inOrder);
                }
            };
        }
    }

    /** The same suites, those with ChaCha20 first; otherwise in their order. */
    static List<String> chachaFirst(List<String> cipherSuites) {
        return cipherSuites.stream().sorted(Comparator.comparing(suite -> !suite.contains("CHACHA20"))).toList();
    }

    /** The suites the JDK enables for a client, in its order of preference. */
    static List<String> defaultCipherSuites() {
        try {
            return List.of(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    /**
     * Whether AES-GCM runs on the CPU's AES instructions: C2 compiles (tier 4) and the CPU has them. (The
     * intrinsics' own flags are diagnostic ones, which the management interface does not show.)
     */
    static boolean aesGcmIntrinsics() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot == null) {
            return true; // not HotSpot: no way to tell, keep the JDK's order
        }
        boolean c2 = !flag(hotspot, "TieredCompilation")
                || Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue()) >= 4;
        return c2 && flag(hotspot, "UseAES");
    }

    private static boolean flag(HotSpotDiagnosticMXBean hotspot, String name) {
        try {
            return Boolean.parseBoolean(hotspot.getVMOption(name).getValue());
        } catch (IllegalArgumentException notOnThisCpu) {
            return false; // UseAES is an x86 and ARM flag
        }
    }
}
