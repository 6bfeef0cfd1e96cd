package io.openelb.grpc;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openelb.kube.Informers;

/**
 * Test fixture only: a class outside {@code kube} that reads the informer caches, directly and through
 * {@link Informers}, which {@code LayeringTest} must reject. Lives under src/test.
 */
public final class InformerReaderFixture {
    private InformerReaderFixture() {}

    static int cachedServices(SharedIndexInformer<Service> informer) {
        return informer.getStore().list().size();
    }

    // Only the type: the fixture must not break when Informers changes its methods.
    static Object keep(Informers informers) {
        return informers;
    }
}
