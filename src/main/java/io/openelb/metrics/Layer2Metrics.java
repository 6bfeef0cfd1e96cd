package io.openelb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openelb.model.IpFamily;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of the Layer 2 responder and membership, labelled by address family only (never per address):
 * the per-packet counters are looked up once here, so the capture thread only increments.
 */
public final class Layer2Metrics {
    private final Map<IpFamily, Counter> requests = new EnumMap<>(IpFamily.class);
    private final Map<IpFamily, Counter> answers = new EnumMap<>(IpFamily.class);
    private final Map<IpFamily, Counter> announcements = new EnumMap<>(IpFamily.class);
    private final Counter ownerChanges;
    private final AtomicInteger owned = new AtomicInteger();
    private final AtomicInteger members = new AtomicInteger();
    private final AtomicInteger membershipUp = new AtomicInteger();

    public Layer2Metrics(MeterRegistry registry) {
        for (IpFamily family : IpFamily.values()) {
            String f = family.name().toLowerCase(Locale.ROOT);
            requests.put(family, Counter.builder("openelb_layer2_requests_received")
                    .description("ARP requests / Neighbor Solicitations that passed the capture filter")
                    .tag("family", f).register(registry));
            answers.put(family, Counter.builder("openelb_layer2_responses_sent")
                    .description("ARP replies / Neighbor Advertisements sent in answer to a request")
                    .tag("family", f).register(registry));
            announcements.put(family, Counter.builder("openelb_layer2_gratuitous_sent")
                    .description("Gratuitous ARP / unsolicited Neighbor Advertisements sent on gaining an address")
                    .tag("family", f).register(registry));
        }
        ownerChanges = Counter.builder("openelb_layer2_ownership_changes")
                .description("Addresses this node started or stopped answering for").register(registry);
        Gauge.builder("openelb_layer2_owned_addresses", owned, AtomicInteger::get)
                .description("Layer 2 addresses this node answers for now").strongReference(true).register(registry);
        Gauge.builder("openelb_layer2_members", members, AtomicInteger::get)
                .description("Speakers in this node's membership view").strongReference(true).register(registry);
        Gauge.builder("openelb_layer2_membership_up", membershipUp, AtomicInteger::get)
                .description("1 while this speaker is in a membership view, else 0").strongReference(true)
                .register(registry);
    }

    public void request(IpFamily family) {
        requests.get(family).increment();
    }

    public void answered(IpFamily family) {
        answers.get(family).increment();
    }

    public void announced(IpFamily family) {
        announcements.get(family).increment();
    }

    public void ownerChanged() {
        ownerChanges.increment();
    }

    public void owned(int count) {
        owned.set(count);
    }

    public void membership(boolean up, int count) {
        membershipUp.set(up ? 1 : 0);
        members.set(count);
    }
}
