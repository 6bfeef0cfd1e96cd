package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.openelb.api.v1alpha2.Eip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller as a user meets it: {@code openelb.jar --role=controller} running with its own
 * ServiceAccount against the real API server; the test acts as admin with kubectl's API.
 */
class IpamIT {
    private static LocalCluster cluster;
    private static OpenElbProcess controller;
    private static Path dir;

    @BeforeAll
    static void startController() throws Exception {
        cluster = LocalCluster.get();
        IpamFixture.removeLeftovers(cluster.admin());
        dir = Files.createTempDirectory("ipam-it");
        controller = OpenElbProcess.start(cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir,
                "controller", "--role=controller").awaitReady(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopController() throws Exception {
        if (controller != null) {
            int exit = controller.stop();
            assertThat(exit).as(controller.log()).isZero();
        }
    }

    private final List<IpamFixture> fixtures = new ArrayList<>();

    private IpamFixture fixture(String prefix) {
        IpamFixture f = new IpamFixture(cluster.admin(), prefix);
        fixtures.add(f);
        return f;
    }

    /** Each test frees what it took, through the controller, so pools are empty for the next. */
    @AfterEach
    void releaseServices() throws InterruptedException {
        for (IpamFixture f : fixtures) {
            f.deleteServices();
        }
        cluster.admin().resources(Eip.class).withLabel(IpamFixture.LABEL).delete();
    }

    private static Map<String, String> pool(String eip) {
        return Map.of("eip.openelb.kubesphere.io/v1alpha2", eip);
    }

    @Test
    void serviceGetsTheFirstAddressOfItsPoolWithLabelAndEventAndNoFinalizer() throws Exception {
        IpamFixture f = fixture("alloc");
        f.eip("it-alloc", "192.0.2.16/30", Map.of("openelb.kubesphere.io/allow-network-and-broadcast", "true"));
        f.service("web", pool("it-alloc"), 80);

        assertThat(f.awaitIngress("web")).containsExactly("192.0.2.16");
        Service web = f.awaitClaim("web", "it-alloc");
        // nothing of ours may block deleting the Service (or its namespace) while no controller runs
        assertThat(web.getMetadata().getFinalizers()).isNullOrEmpty();
        assertThat(f.awaitEvent("web", "IPAllocated")).isEqualTo("IPAllocated: Allocated 192.0.2.16 from Eip it-alloc");
        Eip eip = IpamFixture.await(() -> f.eipNow("it-alloc"),
                e -> e.getStatus() != null && Long.valueOf(1).equals(e.getStatus().usage), "Eip usage 1");
        assertThat(eip.getStatus().poolSize).isEqualTo(4);
        assertThat(eip.getStatus().used).containsEntry("192.0.2.16", f.namespace + "/web");
        assertThat(eip.getStatus().ready).isTrue();
    }

    @Test
    void ipv4CidrPoolSkipsNetworkAndBroadcastAndEachFamilyGetsItsOwnAddress() throws Exception {
        IpamFixture f = fixture("families");
        f.eip("it-v4", "192.0.2.32/30");
        f.eip("it-v6", "2001:db8:77::/126");
        f.service("v4", Map.of(), 80);
        f.service("v6", Map.of(), 443, "SingleStack", "IPv6");

        assertThat(f.awaitIngress("v4")).containsExactly("192.0.2.33");
        assertThat(f.awaitIngress("v6")).containsExactly("2001:db8:77::");
        // after them: Services created together may be served in any order (one had waited for its Eip)
        f.service("dual", Map.of(), 8080, "RequireDualStack", "IPv6", "IPv4");
        assertThat(IpamFixture.await(() -> IpamFixture.ingress(f.get("dual").orElseThrow()), l -> l.size() == 2,
                "two addresses")).containsExactly("2001:db8:77::1", "192.0.2.34");
    }

    @Test
    void secondServiceCannotTakeTheFirstServicesRequestedAddress() throws Exception {
        IpamFixture f = fixture("shared");
        f.eip("it-shared", "192.0.2.48/29");
        f.service("first", Map.of("eip.openelb.kubesphere.io/v1alpha1", "192.0.2.50"), 80);
        assertThat(f.awaitIngress("first")).containsExactly("192.0.2.50");

        f.service("second", Map.of("eip.openelb.kubesphere.io/v1alpha1", "192.0.2.50"), 53);

        assertThat(f.awaitEvent("second", "AllocationFailed"))
                .contains("address 192.0.2.50 is held by " + f.namespace + "/first", "allow-shared-ip");
        assertThat(IpamFixture.ingress(f.get("second").orElseThrow())).isEmpty();

        f.service("third", Map.of("eip.openelb.kubesphere.io/v1alpha1", "192.0.2.51",
                "openelb.kubesphere.io/allow-shared-ip", "k"), 80);
        f.service("fourth", Map.of("eip.openelb.kubesphere.io/v1alpha1", "192.0.2.51",
                "openelb.kubesphere.io/allow-shared-ip", "k"), 443);
        assertThat(f.awaitIngress("third")).containsExactly("192.0.2.51");
        assertThat(f.awaitIngress("fourth")).containsExactly("192.0.2.51");
    }

    @Test
    void exhaustedPoolSaysSoAndServesTheWaitingServiceOnceAnAddressFrees() throws Exception {
        IpamFixture f = fixture("full");
        f.eip("it-full", "192.0.2.64-192.0.2.65");
        f.service("a", pool("it-full"), 80);
        f.service("b", pool("it-full"), 80);
        assertThat(f.awaitIngress("a")).hasSize(1);
        assertThat(f.awaitIngress("b")).hasSize(1);
        IpamFixture.await(() -> f.eipNow("it-full"), e -> e.getStatus() != null
                && Boolean.TRUE.equals(e.getStatus().occupied), "Eip occupied");

        f.service("c", pool("it-full"), 80);
        assertThat(f.awaitEvent("c", "AllocationFailed")).contains("no free IPV4 address in Eip it-full");

        String freed = f.awaitIngress("a").get(0);
        f.delete("a");
        assertThat(f.awaitIngress("c")).containsExactly(freed);
        IpamFixture.await(() -> f.get("a"), java.util.Optional::isEmpty, "Service a gone");
    }

    @Test
    void unknownEipNameAndAddressOutsideEveryPoolAreReported() throws Exception {
        IpamFixture f = fixture("bad");
        f.service("unknown", pool("no-such-eip"), 80);
        f.service("outside", Map.of("eip.openelb.kubesphere.io/v1alpha1", "203.0.113.99"), 80);
        f.service("garbage", Map.of("eip.openelb.kubesphere.io/v1alpha1", "not-an-ip"), 80);

        assertThat(f.awaitEvent("unknown", "AllocationFailed")).contains("Eip no-such-eip does not exist");
        assertThat(f.awaitEvent("outside", "AllocationFailed")).contains("203.0.113.99 is in no Eip");
        assertThat(f.awaitEvent("garbage", "AllocationFailed")).contains("'not-an-ip' is not an IPv4 or IPv6 address");
    }

    @Test
    void overlappingEipIsMarkedInvalidAndTheOlderKeepsServing() throws Exception {
        IpamFixture f = fixture("overlap");
        f.eip("it-old", "192.0.2.80/29");
        Thread.sleep(1100); // creation timestamps have second resolution; older must be older
        f.eip("it-new", "192.0.2.84-192.0.2.90");

        Eip bad = IpamFixture.await(() -> f.eipNow("it-new"),
                e -> e.getStatus() != null && e.getStatus().conditions != null, "conditions on it-new");
        Condition valid = bad.getStatus().conditions.stream().filter(c -> c.getType().equals("Valid")).findFirst()
                .orElseThrow();
        assertThat(valid.getStatus()).isEqualTo("False");
        assertThat(valid.getMessage()).contains("overlaps Eip it-old");
        assertThat(bad.getStatus().ready).isFalse();

        f.service("web", pool("it-old"), 80);
        assertThat(f.awaitIngress("web")).containsExactly("192.0.2.81");
    }

    @Test
    void serviceLeavingTheClassIsReleasedAndCleared() throws Exception {
        IpamFixture f = fixture("leave");
        f.eip("it-leave", "192.0.2.96/30");
        f.service("web", pool("it-leave"), 80);
        assertThat(f.awaitIngress("web")).hasSize(1);
        f.awaitClaim("web", "it-leave");

        // merge patch, as kubectl patch does: the controller writes the Service meanwhile
        f.admin.services().inNamespace(f.namespace).withName("web").patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"spec\":{\"type\":\"ClusterIP\",\"loadBalancerClass\":null,"
                        + "\"allocateLoadBalancerNodePorts\":null}}");

        Service web = IpamFixture.await(() -> f.get("web").orElseThrow(),
                s -> s.getMetadata().getLabels() == null
                        || !s.getMetadata().getLabels().containsKey("eip.openelb.kubesphere.io/v1alpha2"),
                "Eip label removed");
        assertThat(IpamFixture.ingress(web)).isEmpty();
        IpamFixture.await(() -> f.eipNow("it-leave"), e -> e.getStatus() != null
                && Long.valueOf(0).equals(e.getStatus().usage), "usage back to 0");
    }

    @Test
    void metricsCountAllocationsAndPoolFill() throws Exception {
        IpamFixture f = fixture("metrics");
        f.eip("it-metrics", "198.51.100.0/29");
        f.service("web", pool("it-metrics"), 80);
        f.awaitIngress("web");

        String metrics = IpamFixture.await(() -> {
            try {
                return controller.metrics();
            } catch (Exception e) {
                return "";
            }
        }, m -> m.contains("openelb_pool_addresses_in_use{family=\"ipv4\",pool=\"it-metrics\"} 1.0")
                && m.contains("openelb_pool_addresses{family=\"ipv4\",pool=\"it-metrics\"} 6.0"), "pool metrics");
        assertThat(metrics).contains("openelb_pool_addresses{family=\"ipv4\",pool=\"it-metrics\"} 6.0",
                "openelb_ipam_allocations_total{pool=\"it-metrics\"}", "openelb_controller_leader 1.0");
    }

    @Test
    void onlyServicesOfOurClassOrAnnotationAreServed() throws Exception {
        IpamFixture f = fixture("class");
        f.eip("it-class", "192.0.2.112/29");
        f.service("ours-by-class");
        f.admin.services().inNamespace(f.namespace).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("ours-by-annotation").withNamespace(f.namespace)
                .withAnnotations(Map.of("lb.kubesphere.io/v1alpha1", "openelb")).endMetadata()
                .withNewSpec().withType("LoadBalancer").withAllocateLoadBalancerNodePorts(false)
                .withLoadBalancerIP("192.0.2.117").addNewPort().withPort(80).endPort().endSpec().build()).create();
        f.admin.services().inNamespace(f.namespace).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("other-class").withNamespace(f.namespace)
                .withAnnotations(Map.of("lb.kubesphere.io/v1alpha1", "openelb")).endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass("example.com/other")
                .withAllocateLoadBalancerNodePorts(false).addNewPort().withPort(80).endPort().endSpec().build())
                .create();
        f.admin.services().inNamespace(f.namespace).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("no-class").withNamespace(f.namespace).endMetadata()
                .withNewSpec().withType("LoadBalancer").withAllocateLoadBalancerNodePorts(false)
                .addNewPort().withPort(80).endPort().endSpec().build()).create();

        assertThat(f.awaitIngress("ours-by-class")).containsExactly("192.0.2.113");
        assertThat(f.awaitIngress("ours-by-annotation")).as("spec.loadBalancerIP honoured")
                .containsExactly("192.0.2.117");
        Thread.sleep(1000); // the controller had every chance to touch the others
        for (String untouched : List.of("other-class", "no-class")) {
            Service s = f.get(untouched).orElseThrow();
            assertThat(IpamFixture.ingress(s)).as(untouched).isEmpty();
            assertThat(s.getMetadata().getFinalizers()).as(untouched).isNullOrEmpty();
            assertThat(f.events(untouched)).as(untouched).isEmpty();
        }
    }

    @Test
    void poolEditsNeverTouchExistingServices() throws Exception {
        IpamFixture f = fixture("edits");
        f.eip("it-edits", "192.0.2.128-192.0.2.129");
        f.service("a");
        f.service("b");
        List<String> a = f.awaitIngress("a");
        List<String> b = f.awaitIngress("b");

        // grow: a waiting Service is served, the others keep theirs
        f.service("c");
        f.awaitEvent("c", "no free IPV4 address");
        f.patchEipSpec("it-edits", Map.of("address", "192.0.2.128-192.0.2.131"));
        assertThat(f.awaitIngress("c")).containsExactly("192.0.2.130");

        // disable: no new addresses, existing ones stay
        f.patchEipSpec("it-edits", Map.of("disable", true));
        IpamFixture.await(() -> f.eipNow("it-edits"), e -> e.getStatus() != null
                && Boolean.FALSE.equals(e.getStatus().ready), "Eip not ready once disabled");
        f.service("d");
        assertThat(f.awaitEvent("d", "AllocationFailed")).contains("no enabled IPV4 Eip admits namespace");

        // shrink below what is used: nothing moves, the Eip says which addresses are outside
        f.patchEipSpec("it-edits", Map.of("disable", false, "address", "192.0.2.128"));
        Eip shrunk = IpamFixture.await(() -> f.eipNow("it-edits"), e -> e.getStatus() != null
                && e.getStatus().conditions != null && e.getStatus().conditions.stream()
                        .anyMatch(c -> c.getType().equals("AddressesOutsideRange")), "AddressesOutsideRange");
        assertThat(shrunk.getStatus().conditions.stream().filter(c -> c.getType().equals("AddressesOutsideRange"))
                .findFirst().orElseThrow().getMessage()).contains("2 Service(s) keep addresses outside");
        assertThat(IpamFixture.ingress(f.get("a").orElseThrow())).isEqualTo(a);
        assertThat(IpamFixture.ingress(f.get("b").orElseThrow())).isEqualTo(b);
    }

    /**
     * As OpenELB users write them: an Eip that lists no namespace, and a Service that asks for one of its
     * addresses by annotation only, naming no Eip. It gets exactly that address (OpenELB takes a requested
     * address from whichever enabled Eip contains it).
     */
    @Test
    void aRequestedAddressComesFromAnEipThatListsNoNamespaceAsWithOpenElb() throws Exception {
        IpamFixture f = fixture("openelb-style");
        f.eip("it-open", "198.51.100.16/29", Map.of(), spec -> { }); // no namespaces, no selector

        f.service("asked", Map.of("eip.openelb.kubesphere.io/v1alpha1", "198.51.100.19"), 80);

        assertThat(f.awaitIngress("asked")).containsExactly("198.51.100.19");
    }

    /**
     * A Service waits for the Eip that contains its requested address, invalid while it is a second default;
     * once the second default annotation is removed, the change of that Eip serves the Service at once (no
     * retry timer: the controller's is 1 s).
     */
    @Test
    void aPendingServiceIsServedWithinASecondOfItsEipBecomingValid() throws Exception {
        IpamFixture f = fixture("pending");
        String isDefault = "eip.openelb.kubesphere.io/is-default-eip";
        f.eip("it-first-default", "198.51.100.24/29", Map.of(isDefault, "true"));
        IpamFixture.await(() -> f.eipNow("it-first-default").getStatus(), st -> st != null && st.poolSize != null,
                "the first default Eip's status"); // so the second is the one refused
        f.eip("it-second-default", "198.51.100.32/29", Map.of(isDefault, "true"));
        f.service("waits", Map.of("eip.openelb.kubesphere.io/v1alpha1", "198.51.100.34"), 80);
        assertThat(f.awaitEvent("waits", "AllocationFailed")).contains("198.51.100.34");

        long fixed = System.nanoTime();
        f.admin.resources(Eip.class).withName("it-second-default").patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + isDefault + "\":null}}}");
        List<String> served = f.awaitIngress("waits");
        long millis = (System.nanoTime() - fixed) / 1_000_000;
        System.out.println("pending: served " + millis + " ms after its Eip became valid");

        assertThat(served).containsExactly("198.51.100.34");
        assertThat(millis).as("from the fix to the address in the status, ms").isLessThan(1000);
    }

    @Test
    void theDefaultEipServesNamespacesNoEipNames() throws Exception {
        IpamFixture f = fixture("default");
        f.eip("it-default", "192.0.2.144/29", Map.of("eip.openelb.kubesphere.io/is-default-eip", "true"),
                spec -> { }); // admits no namespace by name or selector

        f.service("web");

        assertThat(f.awaitIngress("web")).containsExactly("192.0.2.145");
    }

    @Test
    void namespacePoolsAreTriedByPrioritySkippingFullOnesAndSelectorsMatchLabels() throws Exception {
        IpamFixture f = fixture("priority");
        f.eip("it-prio-high", "192.0.2.160", Map.of(), spec -> {
            spec.namespaces = List.of(f.namespace);
            spec.priority = 1;
        });
        f.eip("it-prio-low", "192.0.2.170-192.0.2.171", Map.of(), spec -> {
            spec.namespaces = List.of(f.namespace);
            spec.priority = 9;
        });

        f.service("first");
        f.service("second");
        assertThat(f.awaitIngress("first")).containsExactly("192.0.2.160");
        assertThat(f.awaitIngress("second")).as("the priority-1 pool is full").containsExactly("192.0.2.170");

        IpamFixture other = fixture("selected");
        other.admin.namespaces().withName(other.namespace).edit(ns -> {
            ns.getMetadata().getLabels().put("tier", "public");
            return ns;
        });
        other.eip("it-selector", "192.0.2.176/30", Map.of(), spec -> spec.namespaceSelector = Map.of("tier", "public"));
        other.service("web");
        assertThat(other.awaitIngress("web")).containsExactly("192.0.2.177");
    }

    @Test
    void anAddressTheApiServerLetsThroughButThatIsNoAddressIsReportedOnTheEip() throws Exception {
        IpamFixture f = fixture("malformed");
        f.eip("it-malformed", "2001:db8::1::2");

        Eip eip = IpamFixture.await(() -> f.eipNow("it-malformed"),
                e -> e.getStatus() != null && e.getStatus().conditions != null, "conditions");

        assertThat(eip.getStatus().conditions).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Valid");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getMessage()).contains("'2001:db8::1::2' is not an IPv4 or IPv6 address");
        });
    }
}
