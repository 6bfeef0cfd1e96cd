package io.openelb.vip;

import io.openelb.announce.InterfaceSpec;
import io.openelb.bus.Addresses;
import io.openelb.bus.ReadinessChanged;
import io.openelb.config.OperatorConfig;
import io.openelb.metrics.VrrpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.StatusBoard;
import io.openelb.status.VipView;
import io.openelb.vip.HealthHistory.Verdict;
import io.openelb.vrrp.VrrpFrames;
import io.openelb.vrrp.VrrpRouter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kube-apiserver's virtual address ({@code --role apiserver-vip}): runs without Kubernetes on each
 * control-plane node and holds the address on the node that VRRP elects among those whose local API server
 * is healthy. keepalived nodes with the same VRID can take part.
 *
 * <p>One VRRP instance: a dual-stack VIP moves as one, so the IPv4 instance leads (it advertises the IPv4
 * addresses and holds both families' addresses) and no IPv6 instance runs; an IPv6-only VIP runs the IPv6
 * instance. Health: the local API server is checked every {@code --health-interval}; the node competes only
 * once {@link HealthHistory} says healthy, and an unhealthy node stops its instance (a master hands over at once
 * with priority 0) and stays out until healthy again.
 *
 * <p>Threads: everything runs on this verticle's context (captures included, {@link VrrpLink} delivers there).
 */
public final class ApiServerVip extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerVip.class);
    static final String COMPONENT = "apiserver-vip";

    private final OperatorConfig.ApiServerVip config;
    private final VrrpMetrics metrics;
    private final StatusBoard board;
    private final List<IpAddress> vips;
    private final IpFamily leading;
    private final HealthHistory health;
    private VrrpLink link;
    private VrrpInstance instance;
    private HealthProbe probe;
    private long checks = -1;
    private boolean checking;
    private String lastFailure = "";
    private String readinessProblem;
    private boolean reopening;

    /** @throws IllegalArgumentException when an address or the interface is not valid */
    public ApiServerVip(OperatorConfig.ApiServerVip config, VrrpMetrics metrics, StatusBoard board) {
        this.config = config;
        this.metrics = metrics;
        this.board = board;
        this.vips = config.vips().stream().map(IpAddress::parse).toList();
        this.leading = vips.stream().anyMatch(a -> a.family() == IpFamily.IPV4) ? IpFamily.IPV4 : IpFamily.IPV6;
        this.health = new HealthHistory(config.health().rise(), config.health().fall());
    }

    @Override
    public Future<?> start() {
        InterfaceSpec spec = config.iface().isEmpty() ? new InterfaceSpec.CanReach(vips.get(0))
                : InterfaceSpec.parse(config.iface());
        return vertx.executeBlocking(() -> InterfaceLookup.find(spec))
                .compose(iface -> VrrpLink.open(vertx, iface, this::onCaptured))
                .onSuccess(opened -> {
                    link = opened;
                    List<IpAddress> advertised = vips.stream().filter(a -> a.family() == leading).toList();
                    VrrpRouter.Config router = new VrrpRouter.Config(config.vrid(), config.priority(),
                            (int) (config.advertInterval().toMillis() / 10), config.preempt(), link.primary(leading),
                            advertised);
                    instance = new VrrpInstance(vertx, link, name(), router, vips, metrics, i -> publish());
                    probe = new HealthProbe(vertx, config.health());
                    LOG.info("VRID {} on {}: {} (priority {}), waiting for {} to be healthy before competing",
                            config.vrid(), link.iface(), vips, config.priority(), config.health().url());
                    checks = vertx.setPeriodic(config.health().interval().toMillis(), id -> check());
                    if (health.verdict() == Verdict.HEALTHY) { // opened anew: the API server was healthy before
                        instance.start();
                    }
                    check();
                    publish();
                });
    }

    @Override
    public Future<?> stop() {
        if (instance == null) {
            return Future.succeededFuture();
        }
        vertx.cancelTimer(checks);
        return instance.stop()
                .onFailure(e -> LOG.warn("VRRP {} stopped without releasing every address: {}", name(), e.getMessage()))
                .eventually(() -> link.close())
                .eventually(() -> probe.close())
                .andThen(done -> metrics.remove(name()));
    }

    private String name() {
        return COMPONENT + "-" + leading.name().toLowerCase(Locale.ROOT);
    }

    /** Adverts of this VRID and the leading family go to the instance; the rest is counted and dropped. */
    private void onCaptured(VrrpFrames.Captured captured) {
        if (captured.advert().vrid() != config.vrid()) {
            metrics.dropped(link.iface(), "other_vrid");
        } else if (captured.source().family() != leading) {
            metrics.dropped(link.iface(), "other_family");
        } else {
            instance.onAdvert(captured);
        }
    }

    /** One health check at a time; its verdict starts or stops the instance. */
    private void check() {
        if (checking) {
            return;
        }
        checking = true;
        probe.check().onComplete(result -> {
            checking = false;
            boolean healthy = result.succeeded() && result.result() == 200;
            if (!healthy) {
                lastFailure = result.succeeded() ? "status " + result.result() : String.valueOf(
                        result.cause().getMessage());
            }
            Verdict before = health.verdict();
            Verdict after = health.record(healthy);
            if (after != before) {
                changed(after);
            }
        });
    }

    private void changed(Verdict verdict) {
        if (verdict == Verdict.HEALTHY) {
            LOG.info("{} is healthy: competing for {}", config.health().url(), vips);
            instance.start();
        } else {
            LOG.warn("{} is unhealthy ({}): giving up {}", config.health().url(), lastFailure, vips);
            instance.stop();
        }
        publish();
    }

    /**
     * The interface was deleted and created again (a bond or VLAN rebuilt): the link is bound to the old one
     * and never works again, so a new link and instance are opened on the new one (retried each second while
     * it has no address yet). Without this the node would stay out of the election until restarted.
     */
    private void reopen() {
        reopening = true;
        LOG.info("VRRP {}: interface {} was created again, opening it anew", name(), link.iface());
        stop().onComplete(stopped -> startAgain());
    }

    private void startAgain() {
        start().onComplete(started -> {
            if (started.succeeded()) {
                reopening = false;
            } else {
                LOG.warn("VRRP {}: cannot open the interface again yet: {}", name(), started.cause().getMessage());
                vertx.setTimer(1000, id -> startAgain());
            }
        });
    }

    /** The status view and, when it changed, the readiness (an interface this node cannot use). */
    private void publish() {
        if (!reopening && link.recreated()) {
            reopen();
            return;
        }
        board.vip(new VipView("", "", List.of(new VipView.Instance(instance.name(), link.iface(), config.vrid(),
                leading.name().toLowerCase(Locale.ROOT), instance.state().name().toLowerCase(Locale.ROOT),
                instance.master() == null ? "" : instance.master().toString(), config.priority(),
                vips.stream().map(IpAddress::toString).toList(), List.of(),
                health.verdict().name().toLowerCase(Locale.ROOT), instance.problem()))));
        String problem = instance.problem();
        if (!problem.equals(readinessProblem)) {
            readinessProblem = problem;
            vertx.eventBus().publish(Addresses.READINESS_CHANGED, new ReadinessChanged(COMPONENT, problem));
        }
    }
}
