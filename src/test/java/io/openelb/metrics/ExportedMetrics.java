package io.openelb.metrics;

import io.openelb.bus.Addresses;
import io.openelb.bus.EventBusCodecs;
import io.openelb.bus.ClusterChanged;
import io.openelb.cluster.ClusterSnapshots;
import io.openelb.cluster.WatchChange;
import io.openelb.cluster.ResourceKind;
import io.openelb.ipam.AllocationError;
import io.openelb.model.IpFamily;
import io.openelb.web.HttpVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The metric names a running program exports, from a real registry: the process's {@link Metrics} (JVM,
 * process), a Vertx wired to it as in {@code Main} (vertx_*), and every meter class of the program driven
 * once through its public methods, as the verticles drive them. A meter class added to the program is
 * added here with one call per method; a name that only a dashboard knows is then caught.
 */
final class ExportedMetrics {
    private ExportedMetrics() {}

    /** Sample names as Prometheus scrapes them ({@code _total}, {@code _bucket}, {@code _seconds} included). */
    static Set<String> names() throws Exception {
        return names(scrape());
    }

    /** The Prometheus text of a registry populated as described above. */
    static String scrape() throws Exception {
        try (Metrics metrics = new Metrics()) {
            Vertx vertx = Vertx.builder()
                    .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                    .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
                    .build();
            try {
                EventBusCodecs.registerAll(vertx.eventBus());
                HttpVerticle http = new HttpVerticle("127.0.0.1", 0, metrics);
                vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
                EventLoopDelay.deploy(vertx, metrics.registry(), "main", 1).await(10, TimeUnit.SECONDS);
                vertx.eventBus().publish(Addresses.CLUSTER_CHANGED, new ClusterChanged(ClusterSnapshots.synced()));
                WebClient.create(vertx).get(http.actualPort(), "127.0.0.1", "/healthz").send()
                        .await(10, TimeUnit.SECONDS);
                drive(metrics);
                collectGarbage(metrics);
                return metrics.scrape();
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * jvm_gc_pause_* exists from the first collection on (the JVM notifies it after the fact): in a
     * fresh test JVM there may not have been one yet, in the program there always has.
     */
    private static void collectGarbage(Metrics metrics) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.registry().find("jvm.gc.pause").timer() == null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
    }

    private static void drive(Metrics metrics) {
        var registry = metrics.registry();
        IpamMetrics ipam = new IpamMetrics(registry);
        ipam.reconciled(1_000_000, true);
        ipam.reconciled(1_000_000, false);
        ipam.apiWriteError();
        ipam.allocated("pool");
        ipam.allocationFailed(AllocationError.Reason.values()[0]);
        ipam.poolUsage("pool", true, 16L, 3L, 2);
        ipam.invalidPools(1);

        BgpMetrics bgp = new BgpMetrics(registry);
        bgp.state("peer", 5, true);
        bgp.announced("peer", 3);
        bgp.pending("peer", 1);
        bgp.message("peer", true, "update");
        bgp.message("peer", false, "update");
        bgp.notification("peer", true, 4);
        bgp.invalidPeers(1);
        bgp.apiWriteError();

        KubeMetrics kube = new KubeMetrics(registry);
        kube.watchEvent(ResourceKind.SERVICE, WatchChange.ADDED);
        kube.informersSynced();

        Layer2Metrics layer2 = new Layer2Metrics(registry);
        layer2.request(IpFamily.IPV4);
        layer2.answered(IpFamily.IPV4);
        layer2.announced(IpFamily.IPV6);
        layer2.ownerChanged();
        layer2.owned(2);
        layer2.membership(true, 3);

        new LeaderGauge(registry).set(true);

        VrrpMetrics vrrp = new VrrpMetrics(registry);
        vrrp.state("apiserver-vip-ipv4", 51, IpFamily.IPV4, "eth0", VrrpMetrics.MASTER);
        vrrp.transition("apiserver-vip-ipv4", "master");
        vrrp.advertSent("apiserver-vip-ipv4");
        vrrp.advertReceived("apiserver-vip-ipv4");
        vrrp.dropped("eth0", "ttl");
        vrrp.addressMismatch("apiserver-vip-ipv4");
    }

    /** Sample name to the label names its samples carry, as scraped. */
    static java.util.Map<String, Set<String>> labels() throws Exception {
        return labels(scrape());
    }

    static java.util.Map<String, Set<String>> labels(String scrape) {
        java.util.Map<String, Set<String>> labels = new java.util.TreeMap<>();
        java.util.regex.Pattern key = java.util.regex.Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String name = line.split("[{ ]", 2)[0];
                Set<String> keys = labels.computeIfAbsent(name, k -> new TreeSet<>());
                int brace = line.indexOf('{');
                if (brace > 0) {
                    java.util.regex.Matcher m = key.matcher(line.substring(brace, line.lastIndexOf('}')));
                    while (m.find()) {
                        keys.add(m.group(1));
                    }
                }
            }
        }
        return labels;
    }

    static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
