package io.openelb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.openelb.announce.ServiceState;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.NodeModel;
import io.openelb.model.ServiceModel;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotBuilderTest {
    private final SnapshotBuilder builder = new SnapshotBuilder(EnumSet.allOf(ResourceKind.class));

    private static Service service(String name, String policy, String... ingress) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata()
                .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy(policy).endSpec();
        b.withNewStatus().withNewLoadBalancer().endLoadBalancer().endStatus();
        for (String ip : ingress) {
            b.editStatus().editLoadBalancer().addToIngress(ip.contains(".") && Character.isLetter(ip.charAt(0))
                    ? new LoadBalancerIngressBuilder().withHostname(ip).build()
                    : new LoadBalancerIngressBuilder().withIp(ip).build()).endLoadBalancer().endStatus();
        }
        return b.build();
    }

    private static EndpointSlice slice(String name, String service, String node, boolean ready) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("ns").withName(name)
                .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
                .addNewEndpoint().withAddresses("10.0.0.1").withNodeName(node).withNewConditions().withReady(ready)
                .endConditions().endEndpoint().build();
    }

    private void put(ResourceKind kind, io.fabric8.kubernetes.api.model.HasMetadata object) {
        builder.put(kind, Conversion.key(kind, object), new Conversion().convert(kind, object));
    }

    @Test
    void aServiceIsAnnouncedWithTheNodesOfItsReadyEndpointsFromEverySlice() {
        put(ResourceKind.SERVICE, service("web", "Local", "192.0.2.1", "lb.example.com"));
        put(ResourceKind.ENDPOINT_SLICE, slice("web-a", "web", "node1", true));
        put(ResourceKind.ENDPOINT_SLICE, slice("web-b", "web", "node2", true));
        put(ResourceKind.ENDPOINT_SLICE, slice("web-c", "web", "node3", false));

        ServiceState web = builder.snapshot(true).announced().get("ns/web");

        assertThat(web.addresses()).containsExactly(IpAddress.parse("192.0.2.1")); // the host name left out
        assertThat(web.localTrafficOnly()).isTrue();
        assertThat(web.nodesWithReadyEndpoints()).containsExactlyInAnyOrder("node1", "node2");

        builder.remove(ResourceKind.ENDPOINT_SLICE, "ns/web-a");
        assertThat(builder.snapshot(true).announced().get("ns/web").nodesWithReadyEndpoints()).containsExactly("node2");
    }

    @Test
    void whatManyObjectsRepeatIsHeldOnceNotOncePerObject() {
        // each watch event parses fresh strings: copies, as here
        Service web = service("web", "Local", "192.0.2.1");
        Service dns = service("dns", "Local", "192.0.2.2");
        dns.getMetadata().setNamespace(new String("ns"));
        dns.getSpec().setIpFamilyPolicy(new String("SingleStack"));
        web.getSpec().setIpFamilyPolicy(new String("SingleStack"));
        put(ResourceKind.SERVICE, web);
        put(ResourceKind.SERVICE, dns);
        put(ResourceKind.ENDPOINT_SLICE, slice("web-a", new String("web"), new String("node1"), true));
        put(ResourceKind.ENDPOINT_SLICE, slice("dns-a", "dns", new String("node1"), true));
        put(ResourceKind.NODE, new NodeBuilder().withNewMetadata().withName(new String("node1")).endMetadata().build());

        ClusterSnapshot s = builder.snapshot(true);
        ServiceModel webModel = s.services().get("ns/web");
        ServiceModel dnsModel = s.services().get("ns/dns");
        assertThat(dnsModel.namespace()).isSameAs(webModel.namespace());
        assertThat(dnsModel.ipFamilyPolicy()).isSameAs(webModel.ipFamilyPolicy());
        assertThat(s.announced().get("ns/web").key()).as("the Service's key, named by its slice too")
                .isSameAs(s.services().keySet().stream().filter("ns/web"::equals).findFirst().orElseThrow());
        String node1 = s.nodes().keySet().iterator().next();
        assertThat(s.announced().get("ns/web").nodesWithReadyEndpoints().iterator().next()).isSameAs(node1);
        assertThat(s.announced().get("ns/dns").nodesWithReadyEndpoints().iterator().next()).isSameAs(node1);
    }

    @Test
    void aServiceWithoutAnAddressIsNotAnnouncedAndLeavesWhenItLosesIt() {
        put(ResourceKind.SERVICE, service("web", "Cluster", "192.0.2.1"));
        assertThat(builder.snapshot(true).announced()).containsOnlyKeys("ns/web");

        put(ResourceKind.SERVICE, service("web", "Cluster"));
        ClusterSnapshot after = builder.snapshot(true);

        assertThat(after.announced()).isEmpty();
        assertThat(after.services()).containsOnlyKeys("ns/web");
    }

    @Test
    void aSnapshotSaysWhatChangedAndSharesTheKindsThatDidNot() {
        put(ResourceKind.NODE, new NodeBuilder().withNewMetadata().withName("node1").endMetadata().build());
        put(ResourceKind.SERVICE, service("web", "Cluster", "192.0.2.1"));
        ClusterSnapshot first = builder.snapshot(true);

        put(ResourceKind.SERVICE, service("db", "Cluster", "192.0.2.2"));
        ClusterSnapshot second = builder.snapshot(true);

        assertThat(second.revision()).isEqualTo(first.revision() + 1);
        assertThat(second.changes().kinds()).containsExactly(ResourceKind.SERVICE);
        assertThat(second.changes().services()).containsExactly("ns/db");
        assertThat(second.nodes()).isSameAs(first.nodes());
        assertThat(first.services()).containsOnlyKeys("ns/web"); // the earlier snapshot never changes
        assertThat(builder.snapshot(true)).as("nothing changed: the same snapshot").isSameAs(second);
    }

    @Test
    void aSecretIsKeptByNameWithItsData() {
        var secret = new SecretBuilder().withNewMetadata().withNamespace("openelb-system").withName("bgp")
                .endMetadata().withData(Map.of("password", "c2VjcmV0")).build();
        put(ResourceKind.SECRET, secret);

        assertThat(builder.snapshot(true).secret("bgp")).contains(Map.of("password", "c2VjcmV0"));
    }

    @Test
    void oneInternalIpRuleTheFirstOfEachFamilyAndIpv4WhereOneIsNeeded() {
        NodeModel node = Conversion.node(new NodeBuilder().withNewMetadata().withName("n").endMetadata()
                .withNewStatus()
                .addNewAddress().withType("Hostname").withAddress("n").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("2001:db8::7").endAddress()
                .addNewAddress().withType("ExternalIP").withAddress("198.51.100.7").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("10.0.0.7").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("10.0.0.8").endAddress()
                .endStatus().build());

        assertThat(node.internalIp(IpFamily.IPV4)).contains(IpAddress.parse("10.0.0.7"));
        assertThat(node.internalIp(IpFamily.IPV6)).contains(IpAddress.parse("2001:db8::7"));
        assertThat(node.preferredInternalIp()).contains(IpAddress.parse("10.0.0.7"));
        assertThat(node.addresses()).containsEntry(IpAddress.parse("198.51.100.7"), "ExternalIP");
        assertThat(node.addresses().keySet()).doesNotContain(IpAddress.parse("0.0.0.0"));
        assertThat(Set.copyOf(node.internalIps())).hasSize(3);
    }

    @Test
    void anEipWhoseStatusAloneChangedKeepsThePoolsAsTheyWere() {
        io.openelb.api.v1alpha2.Eip eip = new io.openelb.api.v1alpha2.Eip();
        eip.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("pool-a")
                .withCreationTimestamp("2026-01-01T00:00:00Z").build());
        eip.setSpec(new io.openelb.api.v1alpha2.EipSpec());
        eip.getSpec().address = "192.0.2.0/28";
        put(ResourceKind.EIP, eip);
        ClusterSnapshot first = builder.snapshot(true);

        eip.setStatus(new io.openelb.api.v1alpha2.EipStatus());
        eip.getStatus().usage = 3L;
        put(ResourceKind.EIP, eip);
        ClusterSnapshot second = builder.snapshot(true);

        assertThat(second.changes().kinds()).containsExactly(ResourceKind.EIP);
        assertThat(second.pools()).as("same pools: consumers that compare them see no change").isSameAs(first.pools());
        assertThat(first.pools().pools()).hasSize(1);
    }
}
