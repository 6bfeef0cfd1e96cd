package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.openelb.api.v1alpha2.Eip;
import org.junit.jupiter.api.Test;

/** Watch events arrive untyped: the kinds the program reads come out typed, others stay generic. */
class KubeJsonTest {
    private static Object objectOf(String object) {
        String event = "{\"type\":\"ADDED\",\"object\":" + object + "}";
        return KubeJson.SERIALIZATION.unmarshal(event, WatchEvent.class).getObject();
    }

    @Test
    void theKindsTheRolesWatchAreTyped() {
        assertThat(objectOf("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"}}"))
                .isInstanceOf(Service.class);
        assertThat(objectOf("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\","
                + "\"metadata\":{\"name\":\"web-a\"}}")).isInstanceOf(EndpointSlice.class);
        assertThat(objectOf("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                + "\"metadata\":{\"name\":\"openelb\"}}")).isInstanceOf(Lease.class);
        assertThat(objectOf("{\"apiVersion\":\"network.kubesphere.io/v1alpha2\",\"kind\":\"Eip\","
                + "\"metadata\":{\"name\":\"pool\"}}")).isInstanceOf(Eip.class);
    }

    @Test
    void managedFieldsAreSkippedAndTheRestIsRead() {
        String service = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\","
                + "\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\","
                + "\"fieldsV1\":{\"f:spec\":{\"f:ports\":{}}}}],\"labels\":{\"app\":\"web\"}},"
                + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"10.0.0.1\"}]}}}";

        for (Service read : new Service[] {(Service) objectOf(service),
                KubeJson.SERIALIZATION.unmarshal(service, Service.class)}) {
            assertThat(read.getMetadata().getManagedFields()).isEmpty();
            assertThat(read.getMetadata().getAdditionalProperties()).isEmpty();
            assertThat(read.getMetadata().getLabels()).containsEntry("app", "web");
            assertThat(read.getStatus().getLoadBalancer().getIngress().get(0).getIp()).isEqualTo("10.0.0.1");
        }
    }

    @Test
    void aWatchErrorCarriesAStatus() {
        // fabric8 restarts an expired watch only when it recognises the Status (code 410)
        Object object = objectOf("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
                + "\"reason\":\"Expired\",\"code\":410}");

        assertThat(object).isInstanceOf(Status.class);
        assertThat(((Status) object).getCode()).isEqualTo(410);
    }

    @Test
    void aKindNoRoleReadsIsNotLookedUpOnTheClassPath() {
        Object object = objectOf("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"metadata\":{\"name\":\"web\"}}");

        assertThat(object).isExactlyInstanceOf(GenericKubernetesResource.class);
    }
}
