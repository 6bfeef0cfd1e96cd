package io.openelb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openelb.model.IpFamily;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of the VRRP instances (VIP mode, kube-apiserver VIP), labelled {@code group} per instance (one per
 * VRID and family on an interface; not {@code instance}, which Prometheus sets to the scrape target), never
 * per address. The state gauge holds its value strongly, as the BGP ones do.
 * Thread-safe: each instance calls from its own context.
 */
public final class VrrpMetrics {
    /** Values of {@code openelb_vrrp_state}: RFC 5798 6.4 Initialize, Backup, Master. */
    public static final int INITIALIZE = 0;
    public static final int BACKUP = 1;
    public static final int MASTER = 2;

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();

    public VrrpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The instance's state now (0 Initialize, 1 Backup, 2 Master); its gauge is made on the first call. */
    public void state(String instance, int vrid, IpFamily family, String iface, int state) {
        states.computeIfAbsent(instance, name -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("openelb_vrrp_state", value, AtomicInteger::get)
                    .description("VRRP state (RFC 5798): 0 Initialize, 1 Backup, 2 Master")
                    .tag("group", name).tag("vrid", Integer.toString(vrid))
                    .tag("family", family.name().toLowerCase(Locale.ROOT)).tag("interface", iface)
                    .strongReference(true).register(registry);
            return value;
        }).set(state);
    }

    /** The instance changed state; {@code to} is the new state's name (initialize, backup, master). */
    public void transition(String instance, String to) {
        Counter.builder("openelb_vrrp_transitions").description("VRRP state changes, by the state entered")
                .tag("group", instance).tag("to", to).register(registry).increment();
    }

    public void advertSent(String instance) {
        Counter.builder("openelb_vrrp_adverts_sent").description("VRRP advertisements sent")
                .tag("group", instance).register(registry).increment();
    }

    public void advertReceived(String instance) {
        Counter.builder("openelb_vrrp_adverts_received").description("VRRP advertisements received for the instance")
                .tag("group", instance).register(registry).increment();
    }

    /** A received packet was dropped before the election saw it: bad TTL, our own, not ours, malformed. */
    public void dropped(String iface, String reason) {
        Counter.builder("openelb_vrrp_packets_dropped").description("VRRP packets dropped, by reason")
                .tag("interface", iface).tag("reason", reason).register(registry).increment();
    }

    /** An advertisement listed other addresses than ours (RFC 5798 7.1: logged, still processed). */
    public void addressMismatch(String instance) {
        Counter.builder("openelb_vrrp_address_mismatch")
                .description("VRRP advertisements whose addresses differ from the instance's own")
                .tag("group", instance).register(registry).increment();
    }

    /** The instance is gone for good: its meters go. */
    public void remove(String instance) {
        states.remove(instance);
        registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("openelb_vrrp_")
                        && instance.equals(m.getId().getTag("group")))
                .forEach(registry::remove);
    }
}
