package io.openelb.controller;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.BgpAdvertisements;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.ResourceKind;
import io.openelb.controller.AdvertisementStatuses.Said;
import io.openelb.controller.AdvertisementStatuses.StatusWrite;
import io.openelb.controller.AdvertisementStatuses.Validity;
import io.openelb.controller.AdvertisementStatuses.ValidityEvent;
import io.openelb.metrics.IpamMetrics;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.BgpAdvertisementSet;
import io.openelb.model.CommunityAliases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the controller tells about BgpAdvertisements, from the snapshots: each object's condition {@code Valid}
 * when its status says something else, at most one pass of writes at a time, and a Warning Event (with a log
 * line) when one turns invalid; and a Warning Event on BgpConf {@code default} when its community aliases
 * change and some cannot be used. Keeps the {@link BgpAdvertisementSet} across snapshots: an invalid edit of
 * an object that was valid leaves its last valid version in effect. Runs on the event loop of the controller
 * verticle (the leader's), following the snapshots itself; writes on workers.
 */
final class AdvertisementReports {
    private static final Logger LOG = LoggerFactory.getLogger(AdvertisementReports.class);
    private static final long RETRY_MS = 500;

    private final KubeWriter writer;
    private final IpamMetrics metrics;
    /** The validity each object was last said to have (by an Event, or its status) in this process. */
    private final Map<String, Said> said = new HashMap<>();
    /** The conditions written by this process that the watched objects do not show yet. */
    private final Map<String, Said> pending = new HashMap<>();
    private List<String> aliasErrorsSaid = List.of();
    private BgpAdvertisementSet set = BgpAdvertisementSet.NONE;
    private Map<String, BgpAdvertisementObject> objects = Map.of();
    private long revision = -1;
    private boolean dirty;
    private boolean writing;

    AdvertisementReports(KubeWriter writer, IpamMetrics metrics) {
        this.writer = writer;
        this.metrics = metrics;
    }

    /**
     * Follows the snapshots and retries failed writes on a timer. Call from the controller verticle's
     * {@code start()}: both end when it is undeployed.
     */
    void start(Vertx vertx) {
        Snapshots.follow(vertx, this::changed);
        vertx.setPeriodic(RETRY_MS, id -> writeStatuses());
    }

    /**
     * A new snapshot: when its BgpAdvertisements or BgpConfs changed (or a snapshot was missed), checks the
     * objects again, says what turned invalid and writes the statuses that differ. Unsynced ones are ignored.
     */
    void changed(ClusterSnapshot snapshot) {
        if (!snapshot.synced()) {
            return;
        }
        boolean gap = snapshot.revision() != revision + 1;
        revision = snapshot.revision();
        if (!gap && !snapshot.changes().kinds().contains(ResourceKind.BGP_ADVERTISEMENT)
                && !snapshot.changes().kinds().contains(ResourceKind.BGP_CONF)) {
            return;
        }
        BgpConf conf = snapshot.bgpConf(BgpConf.DEFAULT_NAME).orElse(null);
        CommunityAliases aliases = BgpAdvertisements.aliases(conf);
        reportAliases(conf, aliases);
        objects = snapshot.bgpAdvertisements();
        pending.entrySet().removeIf(e -> e.getValue().settled(objects.get(e.getKey())));
        set = set.next(objects.values(), aliases);
        reportInvalid();
        dirty = true;
        writeStatuses();
    }

    private void reportAliases(BgpConf conf, CommunityAliases aliases) {
        AdvertisementStatuses.aliasWarning(aliasErrorsSaid, aliases.errors()).ifPresent(message -> {
            LOG.warn("BgpConf {}: {}", BgpConf.DEFAULT_NAME, message);
            post(reference("BgpConf", conf.getMetadata().getName(), conf.getMetadata().getUid()),
                    "InvalidCommunityAliases", message);
        });
        aliasErrorsSaid = aliases.errors();
    }

    private void reportInvalid() {
        set.reports().forEach((name, report) -> {
            BgpAdvertisementObject object = objects.get(name);
            Validity now = AdvertisementStatuses.desired(report, object.shownValid());
            Said before = said.put(name, new Said(object.uid(), now));
            AdvertisementStatuses.event(object, before, now).ifPresent(this::post);
        });
        said.keySet().retainAll(set.reports().keySet());
    }

    private void post(ValidityEvent event) {
        LOG.warn("BgpAdvertisement {} is invalid: {}", event.name(), event.message());
        post(reference("BgpAdvertisement", event.name(), event.uid()), AdvertisementStatuses.EVENT_REASON,
                event.message());
    }

    private void post(ObjectReference about, String reason, String message) {
        writer.event(about, "Warning", reason, message).onFailure(e -> LOG.warn("cannot record Event {} on {} {}: {}",
                reason, about.getKind(), about.getName(), e.getMessage()));
    }

    /** Writes the conditions that differ from the reports, unless a pass is on. */
    void writeStatuses() {
        if (!dirty || writing) {
            return;
        }
        dirty = false;
        List<StatusWrite> writes = AdvertisementStatuses.writes(objects, set.reports(), pending, Instant.now());
        if (writes.isEmpty()) {
            return;
        }
        writing = true;
        Future.join(writes.stream().map(this::write).toList())
                .onComplete(done -> {
                    writing = false;
                    if (done.failed()) {
                        LOG.warn("BgpAdvertisement status write failed, retrying: {}", done.cause().getMessage());
                        metrics.apiWriteError();
                        dirty = true;
                    } else {
                        writeStatuses(); // a snapshot that came meanwhile
                    }
                });
    }

    /** Pending from before the write is sent: the watch may bring the written status back before it returns. */
    private Future<Void> write(StatusWrite write) {
        Said written = new Said(write.uid(), write.validity());
        pending.put(write.name(), written);
        return writer.bgpAdvertisementValid(write.name(), write.valid())
                .onFailure(e -> pending.remove(write.name(), written));
    }

    private static ObjectReference reference(String kind, String name, String uid) {
        return new ObjectReferenceBuilder().withApiVersion(Eip.GROUP + "/" + Eip.VERSION).withKind(kind)
                .withName(name).withUid(uid).build();
    }
}
