package io.openelb;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.openelb.bus.EventBusCodecs;
import io.openelb.cluster.Conversion;
import io.openelb.config.Invocation;
import io.openelb.config.OperatorConfig;
import io.openelb.controller.IpamVerticle;
import io.openelb.controller.Leadership;
import io.openelb.grpc.GrpcVerticle;
import io.openelb.kube.Informers;
import io.openelb.kube.KubeHttpClients;
import io.openelb.kube.KubeJson;
import io.openelb.kube.WatchVerticle;
import io.openelb.kube.WatchedKinds;
import io.openelb.layer2.Layer2Verticle;
import io.openelb.metrics.BgpMetrics;
import io.openelb.metrics.EventLoopDelay;
import io.openelb.metrics.IpamMetrics;
import io.openelb.metrics.KubeMetrics;
import io.openelb.metrics.Layer2Metrics;
import io.openelb.metrics.LeaderGauge;
import io.openelb.metrics.Metrics;
import io.openelb.metrics.VrrpMetrics;
import io.openelb.speaker.SpeakerVerticle;
import io.openelb.speaker.TcpMd5Keys;
import io.openelb.status.StatusBoard;
import io.openelb.ui.Sessions;
import io.openelb.ui.UiAuth;
import io.openelb.ui.UiData;
import io.openelb.ui.UiSettings;
import io.openelb.ui.UiStream;
import io.openelb.ui.UserClients;
import io.openelb.vip.ApiServerVip;
import io.openelb.vip.VipVerticle;
import io.openelb.web.ClusterStatusVerticle;
import io.openelb.web.HttpVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Composition root: reads the configuration, builds the clients and verticles of the configured roles,
 * and shuts them down cleanly on SIGTERM or SIGINT (exit code 0).
 *
 * <p>Exit codes: 0 clean stop or help; 1 failed to start, lost the leader Lease, or did not stop in time;
 * 2 invalid configuration.
 */
public final class Main {
    private final OperatorConfig config;
    private final Logger log;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger();
    /** The UI's per-user clients (controller with the UI only), closed at stop. */
    private final java.util.concurrent.atomic.AtomicReference<UserClients> userClients =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicReference<String> ipamDeployment =
            new java.util.concurrent.atomic.AtomicReference<>();

    private Main(OperatorConfig config) {
        this.config = config;
        this.log = LoggerFactory.getLogger(Main.class);
    }

    public static void main(String[] args) {
        Invocation invocation = OperatorConfig.parse(System.getenv(), args);
        if (invocation instanceof Invocation.Exit exit) {
            (exit.exitCode() == 0 ? System.out : System.err).print(exit.text());
            System.exit(exit.exitCode());
        }
        OperatorConfig config = ((Invocation.Run) invocation).config();
        if (config.printConfig()) {
            System.out.print(config.describe());
            System.exit(0);
        }
        Logging.configure(config.logLevel(), config.logFormat());
        Main main = new Main(config);
        try {
            System.exit(main.run());
        } catch (Throwable e) { // an Error too: else the non-daemon Vert.x threads keep a dead process alive
            main.log.error("failed: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    private int run() {
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        if (!config.role().usesKubernetes()) {
            return runApiServerVip();
        }

        Metrics metrics = new Metrics();
        TcpMd5Keys md5Keys = new TcpMd5Keys();
        Vertx vertx = vertx(metrics, md5Keys);
        KubernetesClient client = kubernetesClient(vertx);
        log.info("starting roles {} (node '{}')", config.role(), config.nodeName());
        Leadership leadership = null;
        try {
            deployRoles(vertx, client, metrics, md5Keys);
            if (config.role().runsController()) {
                leadership = startController(vertx, client, metrics);
            }
            log.info("started");
            stopRequested.await();
            log.info("stopping");
        } catch (Exception e) {
            log.error("failed to start: {}", e.getMessage(), e);
            exitCode.set(1);
        }
        // the controller first, while this replica still holds the Lease: it finishes the writes it started
        if (ipamDeployment.get() != null) {
            try {
                vertx.undeploy(ipamDeployment.get()).await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.error("controller did not stop within {}: {}", config.shutdownTimeout(), e.toString());
            }
        }
        if (leadership != null) {
            leadership.stop(config.shutdownTimeout());
        }
        return stop(vertx, client, metrics, exitCode.get());
    }

    /** The kube-apiserver VIP: no kubeconfig, no client; the HTTP endpoint and the VRRP election only. */
    private int runApiServerVip() {
        Metrics metrics = new Metrics();
        Vertx vertx = vertx(metrics, null);
        log.info("starting role {} for {}", config.role(), config.apiServerVip().vips());
        try {
            StatusBoard board = new StatusBoard();
            vertx.deployVerticle(HttpVerticle.withoutCluster(config.httpHost(), config.httpPort(), metrics, board))
                    .compose(id -> vertx.deployVerticle(new ApiServerVip(config.apiServerVip(),
                            new VrrpMetrics(metrics.registry()), board)))
                    .await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            log.info("started");
            stopRequested.await();
            log.info("stopping");
        } catch (Exception e) {
            log.error("failed to start: {}", e.getMessage(), e);
            exitCode.set(1);
        }
        return stop(vertx, null, metrics, exitCode.get());
    }

    /**
     * One Vertx. A speaker's runs on the epoll transport that puts TCP MD5 keys on BGP sockets only (BGP
     * clients and the BGP listen port): the HTTP endpoint and the API server client stay untouched by it.
     */
    private Vertx vertx(Metrics metrics, TcpMd5Keys md5Keys) {
        var builder = metrics.vertxBuilder(config.eventLoops());
        if (config.role().runsSpeaker()) {
            md5Keys.transport().ifPresent(builder::withTransport);
        }
        Vertx vertx = builder.build();
        EventBusCodecs.registerAll(vertx.eventBus());
        EventLoopDelay.deploy(vertx, metrics.registry(), "main", config.eventLoops());
        return vertx;
    }

    /**
     * The verticles of the roles, the consumers of the cluster snapshots before the watcher (its first
     * snapshot reaches them all; a later one asks it for the newest).
     */
    private void deployRoles(Vertx vertx, KubernetesClient client, Metrics metrics, TcpMd5Keys md5Keys)
            throws Exception {
        long timeout = config.shutdownTimeout().toMillis();
        StatusBoard board = new StatusBoard();
        HttpVerticle http = new HttpVerticle(config.httpHost(), config.httpPort(), metrics, board);
        if (config.role().runsController() && config.ui().enabled()) {
            http.withRoutes(managementUi(vertx));
        }
        vertx.deployVerticle(http)
                .compose(id -> vertx.deployVerticle(new ClusterStatusVerticle(board)))
                .await(timeout, TimeUnit.MILLISECONDS);
        if (config.role().runsSpeaker()) {
            vertx.deployVerticle(new SpeakerVerticle(config.nodeName(), config.namespace(), client,
                    new BgpMetrics(metrics.registry()), md5Keys, board)).await(timeout, TimeUnit.MILLISECONDS);
            vertx.deployVerticle(new Layer2Verticle(client, config.nodeName(), config.namespace(), config.layer2(),
                    new Layer2Metrics(metrics.registry()), board)).await(timeout, TimeUnit.MILLISECONDS);
            vertx.deployVerticle(new VipVerticle(client, config.nodeName(), config.apiServerVip().advertInterval(),
                    config.apiServerVip().preempt(),
                    new VrrpMetrics(metrics.registry()), board)).await(timeout, TimeUnit.MILLISECONDS);
            // not awaited: a slow start of the API never holds the speaker up; a port it cannot have stops the
            // process, as the HTTP port does
            vertx.deployVerticle(new GrpcVerticle(config.grpcHost(), config.grpcPort(), board)).onFailure(e -> {
                log.error("failed to start: {}", e.getMessage(), e);
                stopFailed();
            });
        }
        Informers informers = new Informers(client, WatchedKinds.of(config.role()), config.namespace());
        vertx.deployVerticle(new WatchVerticle(informers, new KubeMetrics(metrics.registry()), new Conversion()))
                .await(timeout, TimeUnit.MILLISECONDS);
    }

    /**
     * The management UI's routes: every replica serves it (it reads and writes with the signed-in user's token,
     * not as the controller), sessions live in the replica's memory.
     */
    private BiConsumer<Router, Vertx> managementUi(Vertx vertx) {
        UiSettings settings = new UiSettings(config.ui().writes(), config.ui().sessionIdle(),
                UiSettings.DEFAULTS.maxLifetime());
        Sessions sessions = new Sessions(settings);
        UserClients clients = new UserClients(kubeConfig(), new KubeHttpClients(vertx), KubeJson.SERIALIZATION);
        userClients.set(clients);
        return (router, httpVertx) -> {
            // the page loads its files relative to /ui/ (a path route "/ui" would match "/ui/" too)
            router.getWithRegex("/ui").handler(ctx -> ctx.redirect("/ui/"));
            new UiAuth(sessions, clients, settings).mount(router);
            new UiData(clients, settings).mount(router);
            new UiStream(sessions).mount(router, httpVertx);
        };
    }

    /** Runs the IPAM controller at once, or once this replica wins the Lease. */
    private Leadership startController(Vertx vertx, KubernetesClient client, Metrics metrics) {
        IpamMetrics ipamMetrics = new IpamMetrics(metrics.registry());
        // leading: checked before every write of the controller (a replica that lost the Lease must not write)
        java.util.function.Function<java.util.function.BooleanSupplier, Runnable> deploy = leading -> () ->
                vertx.deployVerticle(IpamVerticle.create(client, vertx, config.loadBalancerClass(),
                                config.allocateUnclassed(), ipamMetrics, leading,
                                config.leaderElection().writeDeadline()))
                        .onSuccess(ipamDeployment::set)
                        .onFailure(e -> {
                            log.error("controller failed to start: {}", e.getMessage(), e);
                            stopFailed();
                        });
        LeaderGauge leader = new LeaderGauge(metrics.registry());
        if (!config.leaderElection().enabled()) {
            leader.set(true);
            deploy.apply(() -> true).run();
            return null;
        }
        String identity = ManagementFactory.getRuntimeMXBean().getName();
        Leadership leadership = new Leadership(client, config.namespace(), config.leaderElection(), identity,
                leader);
        leadership.start(deploy.apply(leadership::holdsLease), this::stopFailed);
        return leadership;
    }

    /** Stops the process with exit code 1: a part failed after start-up (a late start, the Lease lost). */
    private void stopFailed() {
        exitCode.set(1);
        stopRequested.countDown();
    }

    /**
     * Undeploys every verticle (closing its sockets), then the client (null for the apiserver-vip role); gives
     * up after the shutdown timeout.
     */
    private int stop(Vertx vertx, KubernetesClient client, Metrics metrics, int exitCode) {
        try {
            vertx.close().await(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.error("did not stop within {}: {}", config.shutdownTimeout(), e.toString());
            return 1;
        } finally {
            if (userClients.get() != null) {
                userClients.get().close();
            }
            if (client != null) {
                client.close();
            }
            metrics.close();
        }
        log.info("stopped");
        return exitCode;
    }

    private KubernetesClient kubernetesClient(Vertx vertx) {
        Config kubeConfig = kubeConfig();
        kubeConfig.setUserAgent(userAgent());
        return new KubernetesClientBuilder()
                .withConfig(kubeConfig)
                .withHttpClientFactory(new KubeHttpClients(vertx))
                .withKubernetesSerialization(KubeJson.SERIALIZATION)
                .build();
    }

    /** The API server and the controller's credentials, from the kubeconfig flag or in-cluster discovery. */
    private Config kubeConfig() {
        return config.kubeconfig().isEmpty()
                ? Config.autoConfigure(null)
                : Config.fromKubeconfig(null, readFile(config.kubeconfig()), config.kubeconfig());
    }

    /**
     * {@code openelb-controller/0.1.0}: the API server's audit log shows which role made a request, and
     * managedFields name it as the manager of the fields it writes (the part before the slash).
     */
    private String userAgent() {
        String version = Main.class.getPackage().getImplementationVersion();
        return "openelb-" + config.role() + "/" + (version == null ? "dev" : version);
    }

    private static String readFile(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read kubeconfig " + path + ": " + e.getMessage(), e);
        }
    }
}
