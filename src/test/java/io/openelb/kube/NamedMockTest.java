package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.openelb.MockApiServer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A patch through {@link Named} is one request, the PATCH: no GET of the object before it. */
class NamedMockTest {
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void aServiceStatusPatchSendsThePatchAlone() throws InterruptedException {
        client.services().inNamespace("ns").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withType("LoadBalancer").endSpec().build()).create();
        List<String> before = requests();

        Service patched = client.services().inNamespace("ns").resource(Named.of(Service::new, "ns", "web"))
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.1\"}]}}}");

        assertThat(before).isNotEmpty();
        assertThat(requests()).containsExactly("PATCH /api/v1/namespaces/ns/services/web/status");
        assertThat(patched.getStatus().getLoadBalancer().getIngress().get(0).getIp()).isEqualTo("192.0.2.1");
        assertThat(patched.getSpec().getType()).isEqualTo("LoadBalancer");
    }

    @Test
    void aClusterScopedStatusPatchSendsThePatchAlone() throws InterruptedException {
        Eip eip = Named.of(Eip::new, null, "pool");
        eip.setSpec(new EipSpec());
        eip.getSpec().address = "192.0.2.0/24";
        client.resources(Eip.class).resource(eip).create();
        requests();

        client.resources(Eip.class).resource(Named.of(Eip::new, null, "pool")).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"usage\":1}}");

        assertThat(requests()).containsExactly("PATCH /apis/network.kubesphere.io/v1alpha2/eips/pool/status");
    }

    /** The requests the server received since the last call, as "METHOD path". */
    private List<String> requests() throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null; ) {
            taken.add(r.getMethod() + " " + r.getPath());
        }
        return taken;
    }
}
