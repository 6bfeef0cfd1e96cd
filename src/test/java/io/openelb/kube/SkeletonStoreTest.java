package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SkeletonStoreTest {
    private final SkeletonStore<Service> store = new SkeletonStore<>(Service::new);

    private static Service service(String name, String resourceVersion) {
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withResourceVersion(resourceVersion)
                .withUid("uid-" + name).withLabels(Map.of("app", name)).withAnnotations(Map.of("a", "b"))
                .addNewManagedField().withManager("kubectl").withOperation("Update").endManagedField()
                .endMetadata()
                .withNewSpec().withType("LoadBalancer").withClusterIP("10.0.0.1").endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.1").endIngress()
                .endLoadBalancer().endStatus()
                .build();
    }

    @Test
    void keysLikeFabric8() {
        Service web = service("web", "1");
        Node node = new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build();

        assertThat(store.getKey(web)).isEqualTo(Cache.metaNamespaceKeyFunc(web)).isEqualTo("default/web");
        assertThat(new SkeletonStore<>(Node::new).getKey(node)).isEqualTo("n1");
    }

    @Test
    void keepsTheKeyAndTheResourceVersionOnly() {
        store.put("default/web", service("web", "7"));

        Service stored = store.get("default/web");

        assertThat(stored.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(stored.getMetadata().getName()).isEqualTo("web");
        assertThat(stored.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(stored.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(stored.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(stored.getMetadata().getUid()).isNull();
        assertThat(stored.getSpec()).isNull();
        assertThat(stored.getStatus()).isNull();
    }

    @Test
    void neverStripsTheObjectItIsGiven() {
        Service web = service("web", "7");

        store.put("default/web", web);

        assertThat(web).isEqualTo(service("web", "7"));
    }

    @Test
    void putReturnsThePreviousSkeleton() {
        assertThat(store.put("default/web", service("web", "1"))).isNull();

        Service previous = store.put("default/web", service("web", "2"));

        assertThat(previous.getMetadata().getResourceVersion()).isEqualTo("1");
        assertThat(previous.getMetadata().getName()).isEqualTo("web");
        assertThat(store.get("default/web").getMetadata().getResourceVersion()).isEqualTo("2");
    }

    @Test
    void listsKeysAndValuesAndForgetsWhatIsRemoved() {
        store.put("default/a", service("a", "1"));
        store.put("default/b", service("b", "2"));

        Service removed = store.remove("default/a");

        assertThat(removed.getMetadata().getName()).isEqualTo("a");
        assertThat(store.remove("default/a")).isNull();
        assertThat(store.get("default/a")).isNull();
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.keySet()).containsExactly("default/b");
        assertThat(store.values()).singleElement()
                .satisfies(s -> assertThat(store.getKey(s)).isEqualTo("default/b"));
    }

    @Test
    void aClusterScopedSkeletonHasNoNamespace() {
        SkeletonStore<Node> nodes = new SkeletonStore<>(Node::new);
        nodes.put("n1", new NodeBuilder().withNewMetadata().withName("n1").withResourceVersion("3").endMetadata()
                .withNewSpec().withPodCIDR("10.1.0.0/24").endSpec().build());

        Node stored = nodes.get("n1");

        assertThat(stored.getMetadata().getNamespace()).isNull();
        assertThat(stored.getMetadata().getName()).isEqualTo("n1");
        assertThat(stored.getSpec()).isNull();
    }

    @Test
    void anObjectWithoutResourceVersionComesBackWithout() {
        store.put("default/web", service("web", null));

        assertThat(store.get("default/web").getMetadata().getResourceVersion()).isNull();
    }

    @Test
    void fabric8DoesNotDeferTheInitialAddsToReadThemFromHere() {
        assertThat(store.isFullState()).isFalse();
    }
}
