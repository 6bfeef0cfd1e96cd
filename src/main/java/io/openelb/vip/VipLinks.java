package io.openelb.vip;

import io.openelb.vrrp.VrrpFrames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A speaker's VRRP links, one per interface its groups use: opened when a group needs the interface, tried
 * again a while after it could not be opened (a VLAN created after the speaker), opened anew when the
 * interface was deleted and created again (the old link never works again), closed when no group uses it.
 *
 * <p>Threads: the owner's Vert.x context; {@code changed} and {@code onAdvert} are called on it.
 */
final class VipLinks {
    private static final Logger LOG = LoggerFactory.getLogger(VipLinks.class);
    /** How long after an interface could not be opened it is tried again. */
    static final long RETRY_MILLIS = 10_000;

    private final Vertx vertx;
    private final BiConsumer<String, VrrpFrames.Captured> onAdvert;
    private final Runnable changed;
    private final Map<String, Link> links = new HashMap<>();

    /** One interface's link: opening, open, or failed with a reason. */
    private static final class Link {
        VrrpLink link;
        String problem = "";
        boolean opening = true;
    }

    /**
     * @param onAdvert the interface and an advertisement captured on it
     * @param changed  a link opened, or one that failed may be tried again: plan again
     */
    VipLinks(Vertx vertx, BiConsumer<String, VrrpFrames.Captured> onAdvert, Runnable changed) {
        this.vertx = vertx;
        this.onAdvert = onAdvert;
        this.changed = changed;
    }

    /** Opens the links of {@code ifaces} not open yet, and anew those whose interface was created again. */
    void open(Set<String> ifaces) {
        closeRecreated();
        for (String iface : ifaces) {
            if (!links.containsKey(iface)) {
                open(iface);
            }
        }
    }

    /** The open link of the interface, null while opening or after it failed. */
    VrrpLink ready(String iface) {
        Link link = links.get(iface);
        return link == null ? null : link.link;
    }

    /** Why the interface's link could not be opened, "" when it is open, opening, or not asked for. */
    String problem(String iface) {
        Link link = links.get(iface);
        return link != null && !link.opening && link.link == null ? link.problem : "";
    }

    /** Closes the links of the interfaces no group uses any more. */
    void closeUnused(Set<String> ifaces) {
        links.entrySet().removeIf(e -> {
            if (ifaces.contains(e.getKey())) {
                return false;
            }
            if (e.getValue().link != null) {
                e.getValue().link.close();
            }
            return true;
        });
    }

    Future<?> closeAll() {
        return Future.join(links.values().stream().filter(l -> l.link != null).map(l -> l.link.close()).toList());
    }

    private void open(String iface) {
        Link link = new Link();
        links.put(iface, link);
        VrrpLink.open(vertx, iface, captured -> onAdvert.accept(iface, captured)).onComplete(ar -> {
            link.opening = false;
            if (ar.succeeded()) {
                link.link = ar.result();
            } else {
                link.problem = ar.cause().getMessage();
                vertx.setTimer(RETRY_MILLIS, id -> {
                    if (links.remove(iface, link)) {
                        changed.run();
                    }
                });
            }
            if (links.get(iface) != link) {
                if (link.link != null) {
                    link.link.close();
                }
                return;
            }
            changed.run();
        });
    }

    /**
     * A link bound to an interface that was deleted and created again never works again: its groups'
     * instances (which report it, and so plan again) stop, and a new link is opened on the new interface.
     */
    private void closeRecreated() {
        links.entrySet().removeIf(e -> {
            VrrpLink link = e.getValue().link;
            if (link == null || !link.recreated()) {
                return false;
            }
            LOG.info("VRRP: interface {} was created again, opening it anew", e.getKey());
            link.close();
            return true;
        });
    }
}
