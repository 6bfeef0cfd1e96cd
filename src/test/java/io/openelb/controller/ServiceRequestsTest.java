package io.openelb.controller;

import io.openelb.api.Annotations;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.openelb.cluster.Conversion;
import io.openelb.ipam.AllocationRequest;
import io.openelb.ipam.FamilyPolicy;
import io.openelb.ipam.ServicePort;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ServiceRequestsTest {
    private static final String CLASS = "openelb.kubesphere.io/openelb";

    private static Service service(String type, String lbClass, Map<String, String> annotations) {
        return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("web").withAnnotations(annotations)
                .endMetadata().withNewSpec().withType(type).withLoadBalancerClass(lbClass)
                .addNewPort().withProtocol("UDP").withPort(53).endPort().endSpec().build();
    }

    @ParameterizedTest(name = "type={0} class={1} annotation={2} unclassed={3} -> {4}")
    @CsvSource({
        "LoadBalancer, openelb.kubesphere.io/openelb, '',      false, true",
        "LoadBalancer, '',                            openelb, false, true",
        "LoadBalancer, '',                            '',      false, false",
        "LoadBalancer, '',                            '',      true,  true",
        "LoadBalancer, example.com/other,             openelb, true,  false",
        "ClusterIP,    '',                            openelb, true,  false",
        "NodePort,     openelb.kubesphere.io/openelb, openelb, false, false",
    })
    void servesOurClassOrOurAnnotationAndNeverAnotherClass(String type, String lbClass, String annotation,
            boolean unclassed, boolean served) {
        Service service = service(type, lbClass.isEmpty() ? null : lbClass,
                annotation.isEmpty() ? Map.of() : Map.of(Annotations.LOAD_BALANCER, annotation));

        assertThat(new ServiceRequests(CLASS, unclassed).isManaged(Conversion.service(service))).isEqualTo(served);
    }

    @Test
    void readsPoolAddressesFamiliesPortsAndSharingKey() {
        Service service = new ServiceBuilder(service("LoadBalancer", CLASS, Map.of(
                Annotations.POOL, " pool-a ",
                Annotations.REQUESTED_ADDRESS, "192.0.2.7, 2001:db8::7",
                Annotations.SHARING_KEY, "k")))
                .editSpec().withIpFamilies("IPv6", "IPv4").withIpFamilyPolicy("RequireDualStack")
                .withLoadBalancerIP("198.51.100.1").endSpec().build();

        AllocationRequest request = ServiceRequests.request(Conversion.service(service), Map.of("tier", "a"));

        assertThat(request.pool()).isEqualTo("pool-a");
        assertThat(request.requested()).containsExactly(IpAddress.parse("192.0.2.7"), IpAddress.parse("2001:db8::7"));
        assertThat(request.families()).containsExactly(IpFamily.IPV6, IpFamily.IPV4);
        assertThat(request.policy()).isEqualTo(FamilyPolicy.REQUIRE_DUAL_STACK);
        assertThat(request.ports()).isEqualTo(Set.of(new ServicePort("UDP", 53)));
        assertThat(request.sharingKey()).isEqualTo("k");
        assertThat(request.namespaceLabels()).containsEntry("tier", "a");
    }

    @Test
    void loadBalancerIpIsTheRequestWhenNoAnnotationNamesOne() {
        Service service = new ServiceBuilder(service("LoadBalancer", CLASS, Map.of()))
                .editSpec().withLoadBalancerIP("192.0.2.9").endSpec().build();

        AllocationRequest request = ServiceRequests.request(Conversion.service(service), Map.of());

        assertThat(request.requested()).containsExactly(IpAddress.parse("192.0.2.9"));
        assertThat(request.families()).containsExactly(IpFamily.IPV4);
        assertThat(request.policy()).isEqualTo(FamilyPolicy.SINGLE_STACK);
        assertThat(List.copyOf(request.ports())).hasSize(1);
    }
}
