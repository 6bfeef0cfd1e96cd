package io.openelb;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.kube.KubeJson;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server for component tests: CRUD mode, serving this project's CRDs (Eip, BgpConf, BgpPeer,
 * BgpAdvertisement).
 */
public final class MockApiServer {
    private MockApiServer() {}

    /** A started server; the test destroys it. */
    public static KubernetesMockServer withOurCrds() {
        return withOurCrds(new KubernetesCrudDispatcher());
    }

    /** A started server answering through {@code dispatcher}, a CRUD dispatcher a test may script a failure into. */
    public static KubernetesMockServer withOurCrds(KubernetesCrudDispatcher dispatcher) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, true);
        for (var type : List.of(Eip.class, BgpConf.class, BgpPeer.class, BgpAdvertisement.class)) {
            server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
        }
        server.init();
        return server;
    }

    /** A client of {@code server} with the program's JSON mapper ({@link KubeJson}), as the program builds its own. */
    public static NamespacedKubernetesClient client(KubernetesMockServer server) {
        return server.createClient(builder -> builder.withKubernetesSerialization(KubeJson.SERIALIZATION));
    }
}
