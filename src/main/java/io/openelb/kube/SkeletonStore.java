package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An informer's item store that keeps of each object only its key ({@code namespace/name}) and its
 * {@code resourceVersion}, and hands back skeletons made of those. No one reads our informers' caches
 * ({@link WatchVerticle} converts each watch event's own object), so keeping the whole object, a Service
 * with its managedFields being 10 KiB and more, would cost memory for nothing.
 *
 * <p>What fabric8 8.0.0 reads back from the store, and why a skeleton serves it:
 * <ul>
 *   <li>{@code ProcessorStore.updateInternal}: {@link #put} returns the previous object, whose
 *       {@code resourceVersion} it compares with the new one's (no change, no event); a relisted object
 *       that changed reaches {@code onUpdate} with the skeleton as the old object.
 *   <li>{@code ProcessorStore.syncList} (every list, also the relist after a watch expired): objects
 *       missing from the list are removed and reach {@code onDelete} as their skeleton, which has the key.
 *   <li>{@code CacheImpl.getKey} uses {@link #getKey}, fabric8's own key function.
 * </ul>
 * Three paths would hand a handler a stored object as the new one, so they must stay unused: the initial
 * list's adds deferred to its end ({@code syncList} reads them from the store: {@link #isFullState()} is
 * {@code false}, so each add carries the listed object instead), a resync period (informers run with
 * {@code 0}), and an event handler added after the informer started (the handler's replay reads the
 * store). The informer's indexers are not used either: {@link Informers} removes the namespace index.
 *
 * <p>fabric8's {@code ReducedStateItemStore} keeps chosen fields through a JSON conversion of every object;
 * this store reads one field. Informer threads write (one at a time), any thread may read.
 */
public final class SkeletonStore<T extends HasMetadata> implements ItemStore<T> {
    /** Stands for an object without a resourceVersion: the map holds no nulls. */
    private static final String NO_VERSION = "";

    private final ConcurrentMap<String, String> versionsByKey = new ConcurrentHashMap<>();
    private final Supplier<T> empty;

    /** {@code empty} makes an object of the informer's type, without metadata, for each skeleton. */
    public SkeletonStore(Supplier<T> empty) {
        this.empty = empty;
    }

    @Override
    public String getKey(T obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    /**
     * Keeps the key and the resourceVersion of {@code obj}, never {@code obj}: the handlers get that one. The
     * key is the JVM's one copy of it, which the snapshot's models share ({@code Conversion.shared}).
     */
    @Override
    public T put(String key, T obj) {
        String version = obj.getMetadata().getResourceVersion();
        return skeleton(key, versionsByKey.put(key.intern(), version == null ? NO_VERSION : version));
    }

    @Override
    public T remove(String key) {
        return skeleton(key, versionsByKey.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return versionsByKey.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return versionsByKey.entrySet().stream().map(e -> skeleton(e.getKey(), e.getValue()));
    }

    @Override
    public int size() {
        return versionsByKey.size();
    }

    @Override
    public T get(String key) {
        return skeleton(key, versionsByKey.get(key));
    }

    /** The stored objects are not the listed ones, so fabric8 must not defer the initial adds to read them here. */
    @Override
    public boolean isFullState() {
        return false;
    }

    /** A new object with the name, namespace and resourceVersion only; null when nothing was stored. */
    private T skeleton(String key, String version) {
        if (version == null) {
            return null;
        }
        int slash = key.indexOf('/');
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(slash < 0 ? null : key.substring(0, slash));
        meta.setName(key.substring(slash + 1));
        meta.setResourceVersion(NO_VERSION.equals(version) ? null : version);
        T skeleton = empty.get();
        skeleton.setMetadata(meta);
        return skeleton;
    }
}
