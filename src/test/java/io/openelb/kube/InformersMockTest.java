package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.openelb.MockApiServer;
import io.openelb.cluster.ResourceKind;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the informers ask the API server for, against the mock API server. */
class InformersMockTest {
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds();
        client = MockApiServer.client(server);
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void theSlicesOfHeadlessServicesAreNotWatched() throws Exception {
        create(slice("headless-before", true));
        create(slice("web-before", false));
        Informers informers = new Informers(client, EnumSet.of(ResourceKind.ENDPOINT_SLICE), "openelb-system");
        BlockingQueue<String> added = new LinkedBlockingQueue<>();
        try (SharedIndexInformer<? extends HasMetadata> informer = informers.informer(ResourceKind.ENDPOINT_SLICE)) {
            informer.addEventHandler(new ResourceEventHandler<HasMetadata>() {
                @Override
                public void onAdd(HasMetadata obj) {
                    added.add(obj.getMetadata().getName());
                }

                @Override
                public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {}

                @Override
                public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {}
            });
            informer.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            create(slice("headless-after", true));
            create(slice("web-after", false));

            // watch events come in order: a headless slice would have arrived before the second one
            assertThat(added.poll(10, TimeUnit.SECONDS)).isEqualTo("web-before");
            assertThat(added.poll(10, TimeUnit.SECONDS)).isEqualTo("web-after");
            assertThat(added).isEmpty();
        }
    }

    private void create(EndpointSlice slice) {
        client.discovery().v1().endpointSlices().inNamespace("default").resource(slice).create();
    }

    private static EndpointSlice slice(String name, boolean headless) {
        Map<String, String> labels = headless
                ? Map.of("kubernetes.io/service-name", name, Informers.HEADLESS, "")
                : Map.of("kubernetes.io/service-name", name);
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withLabels(labels).endMetadata()
                .withAddressType("IPv4")
                .build();
    }
}
