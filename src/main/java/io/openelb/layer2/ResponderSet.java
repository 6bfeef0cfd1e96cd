package io.openelb.layer2;

import io.openelb.model.IpAddress;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One responder per interface the Layer 2 pools name. The blocking part (finding the interface, opening a
 * pcap handle, compiling its filter, stopping a capture thread) runs on a worker, one pass at a time; the
 * outcome comes back to the verticle's context, and {@code changed} runs when it differs from the last one,
 * so the plan, which reads {@link #interfaces()}, runs again. An interface whose name is kept but whose MAC
 * changed was recreated: its responder is replaced.
 *
 * <p>Threads: every method on the verticle's context (the one that calls {@link #refresh} first).
 */
final class ResponderSet implements Claims.Responders {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderSet.class);

    /** Opens the responder of one interface; blocks (pcap handle, filter, capture thread). */
    interface Opener {
        Answerer open(Nic nic) throws Exception;
    }

    /** What one worker pass found, and the responders it leaves open (by interface name). */
    private record Outcome(Map<String, Nics.Lookup> interfaces, Map<String, Answerer> open,
            List<Answerer> obsolete) {}

    private final Vertx vertx;
    private final Function<String, Nics.Lookup> finder;
    private final Opener opener;
    private final Runnable changed;
    private Map<String, Answerer> open = Map.of();
    private Map<String, Nics.Lookup> interfaces = Map.of();
    private Set<String> wanted = Set.of();
    private Future<Outcome> pass;
    private boolean again;
    private boolean closed;

    /**
     * @param finder  the interface an Eip's interface spec names ({@link Nics#find}); may block
     * @param changed called on the verticle's context when {@link #interfaces()} changed
     */
    ResponderSet(Vertx vertx, Function<String, Nics.Lookup> finder, Opener opener, Runnable changed) {
        this.vertx = vertx;
        this.finder = finder;
        this.opener = opener;
        this.changed = changed;
    }

    /**
     * Looks these interface specs up again (interfaces come, go and are recreated without a change in
     * Kubernetes), keeps a responder open on each one found, and closes the others. Returns at once.
     */
    void refresh(Set<String> specs) {
        if (closed) {
            return;
        }
        wanted = Set.copyOf(specs);
        if (pass != null) {
            again = true;
            return;
        }
        startPass();
    }

    /**
     * Per interface spec, as the last finished pass found it: the interface, with a responder open on it,
     * or why this node has none. A spec not looked up yet is absent.
     */
    Map<String, Nics.Lookup> interfaces() {
        return interfaces;
    }

    @Override
    public void answerFor(Map<Nic, Set<IpAddress>> active) {
        open.values().forEach(r -> r.answerFor(active.getOrDefault(r.nic(), Set.of())));
    }

    @Override
    public void announce(Nic nic, IpAddress address) {
        Answerer r = open.get(nic.name());
        if (r != null && r.nic().equals(nic)) {
            r.announce(address);
        }
    }

    /** Closes every responder (after the pass under way, if any); refreshes are ignored from now on. */
    Future<Void> close() {
        closed = true;
        Future<?> before = pass == null ? Future.succeededFuture() : pass.otherwiseEmpty();
        return before.compose(v -> {
            List<Answerer> all = List.copyOf(open.values());
            open = Map.of(); // a late plan then hands nothing to a closed responder
            return closeOnWorker(all);
        });
    }

    private void startPass() {
        again = false;
        Set<String> specs = wanted;
        Map<String, Answerer> current = open;
        pass = vertx.executeBlocking(() -> sync(specs, current), false);
        pass.onComplete(this::finished);
    }

    private void finished(AsyncResult<Outcome> result) {
        pass = null;
        if (result.failed()) {
            LOG.warn("cannot look up the Layer 2 interfaces: {}", result.cause().toString());
        } else {
            Outcome outcome = result.result();
            open = outcome.open();
            closeOnWorker(outcome.obsolete());
            if (!outcome.interfaces().equals(interfaces)) {
                interfaces = outcome.interfaces();
                if (!closed) {
                    changed.run();
                }
            }
        }
        if (again && !closed) {
            startPass();
        }
    }

    /** On a worker: finds every spec's interface and keeps or opens its responder. */
    private Outcome sync(Set<String> specs, Map<String, Answerer> current) {
        Map<String, Nics.Lookup> found = new HashMap<>();
        Map<String, Answerer> kept = new HashMap<>();
        List<Answerer> candidates = new ArrayList<>(current.values());
        for (String spec : specs) {
            Nics.Lookup lookup = finder.apply(spec);
            if (lookup.nic() != null) {
                lookup = keepOrOpen(lookup.nic(), current, kept, candidates);
            }
            found.put(spec, lookup);
        }
        List<Answerer> obsolete = candidates.stream().filter(r -> kept.get(r.nic().name()) != r).toList();
        return new Outcome(Map.copyOf(found), Map.copyOf(kept), obsolete);
    }

    private Nics.Lookup keepOrOpen(Nic nic, Map<String, Answerer> current, Map<String, Answerer> kept,
            List<Answerer> candidates) {
        Answerer r = kept.getOrDefault(nic.name(), current.get(nic.name()));
        if (r == null || !r.nic().equals(nic)) { // absent, or same name with another MAC: recreated
            try {
                r = opener.open(nic);
                candidates.add(r);
            } catch (Exception e) {
                return new Nics.Lookup(null, "cannot capture on " + nic.name() + ": " + e.getMessage());
            }
        }
        kept.put(nic.name(), r);
        return new Nics.Lookup(nic, "");
    }

    private Future<Void> closeOnWorker(List<Answerer> responders) {
        if (responders.isEmpty()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            responders.forEach(Answerer::close);
            return null;
        }, false);
    }
}
