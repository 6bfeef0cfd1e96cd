package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.openelb.api.Annotations;
import io.openelb.ui.view.ServiceInput;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceRowsTest {
    private static ServiceBuilder service() {
        return new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web").endMetadata()
                .withNewSpec().withType("LoadBalancer").endSpec();
    }

    @Test
    void theControllersLabelNamesThePoolBeforeTheAnnotation() {
        Service s = service().editMetadata().withLabels(Map.of(Annotations.POOL, "chosen"))
                .withAnnotations(Map.of(Annotations.POOL, "asked")).endMetadata()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.1").endIngress()
                .addNewIngress().withIp("2001:db8::1").endIngress().endLoadBalancer().endStatus().build();

        assertThat(ServiceRows.input(s)).isEqualTo(new ServiceInput("shop", "web", "chosen",
                List.of("192.0.2.1", "2001:db8::1"), List.of()));
    }

    @Test
    void theAnnotationNamesThePoolWithoutLabel() {
        Service s = service().editMetadata().withAnnotations(Map.of(Annotations.POOL, "asked")).endMetadata().build();

        assertThat(ServiceRows.input(s).pool()).isEqualTo("asked");
        assertThat(ServiceRows.input(service().build()).pool()).isEmpty();
    }

    @Test
    void requestedAddressesComeFromTheAnnotationElseLoadBalancerIp() {
        Service annotated = service().editMetadata()
                .withAnnotations(Map.of(Annotations.REQUESTED_ADDRESS, "192.0.2.7, 2001:db8::7")).endMetadata()
                .editSpec().withLoadBalancerIP("192.0.2.99").endSpec().build();
        Service legacy = service().editSpec().withLoadBalancerIP("192.0.2.99").endSpec().build();

        assertThat(ServiceRows.input(annotated).requested()).containsExactly("192.0.2.7", "2001:db8::7");
        assertThat(ServiceRows.input(legacy).requested()).containsExactly("192.0.2.99");
        assertThat(ServiceRows.input(service().build()).requested()).isEmpty();
    }

    @Test
    void onlyTypeLoadBalancerCounts() {
        assertThat(ServiceRows.isLoadBalancer(service().build())).isTrue();
        assertThat(ServiceRows.isLoadBalancer(service().editSpec().withType("ClusterIP").endSpec().build())).isFalse();
    }

    @Test
    void aPatchSetsOrRemovesOnlyTheAnnotationsNamed() {
        assertThat(ServiceRows.patch(new JsonObject("{\"pool\": \"other\"}")).encode())
                .isEqualTo("{\"metadata\":{\"annotations\":{\"" + Annotations.POOL + "\":\"other\"}}}");
        assertThat(ServiceRows.patch(new JsonObject("{\"pool\": null}")).encode())
                .isEqualTo("{\"metadata\":{\"annotations\":{\"" + Annotations.POOL + "\":null}}}");
        assertThat(ServiceRows.patch(new JsonObject("{\"requested\": [\"192.0.2.7\", \"2001:db8::7\"]}")).encode())
                .isEqualTo("{\"metadata\":{\"annotations\":{\"" + Annotations.REQUESTED_ADDRESS
                        + "\":\"192.0.2.7,2001:db8::7\"}}}");
        assertThat(ServiceRows.patch(new JsonObject("{\"requested\": null}")).encode())
                .isEqualTo("{\"metadata\":{\"annotations\":{\"" + Annotations.REQUESTED_ADDRESS + "\":null}}}");
    }

    @Test
    void aPatchThatChangesNothingOrHasWrongTypesIsBadInput() {
        assertThatThrownBy(() -> ServiceRows.patch(new JsonObject("{}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServiceRows.patch(new JsonObject("{\"requested\": [\"\"]}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServiceRows.patch(new JsonObject("{\"pool\": 3}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
