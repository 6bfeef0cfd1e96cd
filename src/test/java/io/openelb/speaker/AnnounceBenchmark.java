package io.openelb.speaker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.announce.BgpRoutes;
import io.openelb.announce.NodeHop;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Benchmark harness, not a test: the speaker's BGP session alone (no Kubernetes), announcing N host
 * routes to the lab router, so that its announce throughput can be set against GoBGP's announcing the
 * same routes to the same router ({@code hack/bench/announce.sh}, which runs this inside lab node 1 and
 * times the router's side). Runs until killed.
 *
 * <p>Arguments: N, first address (default 10.128.0.0), this node's address (default 10.77.0.11), the
 * router's (default 10.77.0.1).
 */
public final class AnnounceBenchmark {
    private AnnounceBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        IpAddress first = IpAddress.parse(args.length > 1 ? args[1] : "10.128.0.0");
        IpAddress self = IpAddress.parse(args.length > 2 ? args[2] : "10.77.0.11");
        IpAddress router = IpAddress.parse(args.length > 3 ? args[3] : "10.77.0.1");

        Map<IpAddress, SortedSet<String>> announcers = new TreeMap<>();
        SortedSet<String> node = new TreeSet<>(Set.of("node1"));
        for (int i = 0; i < count; i++) {
            announcers.put(first.plus(i), node);
        }
        BgpRoutes routes = new BgpRoutes("node1", announcers,
                Map.of("node1", new NodeHop("node1", NodeHop.pathId("node1", self), self, null)));
        SessionConfig config = new SessionConfig(64513, self.value().longValue(), 64512, Set.of(IpFamily.IPV4),
                Duration.ofSeconds(90), null, Duration.ofSeconds(1), Duration.ofSeconds(60), false, -1);
        Vertx vertx = Vertx.vertx();
        vertx.runOnContext(v -> {
            BgpSession session = new BgpSession(vertx, new PeerTarget("bench", router, 179, null, 1, config),
                    new BgpMetrics(new SimpleMeterRegistry()), (peer, status) -> { }, new io.openelb.status.StatusBoard());
            session.start();
            session.desired(routes);
        });
        Thread.currentThread().join(); // until killed
    }
}
