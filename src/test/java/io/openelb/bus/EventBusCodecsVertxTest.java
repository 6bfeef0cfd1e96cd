package io.openelb.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.ClusterSnapshots;
import io.openelb.cluster.ResourceKind;
import io.openelb.cluster.SnapshotBuilder;
import io.openelb.model.NodeModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EventBusCodecsVertxTest {

    /** One example of every message type; a new type without an example fails the test below. */
    private static final Map<Class<?>, BusMessage> EXAMPLES = Map.of(
            ClusterChanged.class, new ClusterChanged(ClusterSnapshots.synced()),
            CurrentSnapshot.class, new CurrentSnapshot(),
            ReadinessChanged.class, new ReadinessChanged("layer2", "Secret openelb-membership not found"));

    @BeforeEach
    void registerCodecs(Vertx vertx) {
        EventBusCodecs.registerAll(vertx.eventBus());
    }

    @Test
    void everyMessageTypeHasAnExample() {
        assertThat(EXAMPLES.keySet()).containsExactlyInAnyOrder(BusMessage.class.getPermittedSubclasses());
    }

    @Test
    void everyMessageCrossesTheBusAsTheSameInstance(Vertx vertx) throws Exception {
        vertx.eventBus().<BusMessage>consumer("test.echo", msg -> msg.reply(msg.body()));

        for (BusMessage example : EXAMPLES.values()) {
            Message<BusMessage> reply = vertx.eventBus().<BusMessage>request("test.echo", example)
                    .await(5, TimeUnit.SECONDS);
            assertThat(reply.body()).isSameAs(example);
        }
    }

    @Test
    void wireEncodingIsRefused() {
        LocalCodec<ClusterChanged> codec = new LocalCodec<>(ClusterChanged.class);

        assertThat(codec.name()).isEqualTo("local:" + ClusterChanged.class.getName());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> codec.encodeToWire(io.vertx.core.buffer.Buffer.buffer(),
                                new ClusterChanged(ClusterSnapshots.synced())))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("local-only");
    }

    @Test
    void messagesAreImmutable() {
        SnapshotBuilder builder = new SnapshotBuilder(java.util.Set.of(ResourceKind.NODE));
        builder.put(ResourceKind.NODE, "node1", new NodeModel("node1", true, false, Map.of(), List.of(), Map.of()));
        ClusterChanged message = new ClusterChanged(builder.snapshot(true));
        builder.put(ResourceKind.NODE, "node2", new NodeModel("node2", true, false, Map.of(), List.of(), Map.of()));
        builder.remove(ResourceKind.NODE, "node1");
        ClusterSnapshot later = builder.snapshot(true);

        assertThat(message.snapshot().nodes()).containsOnlyKeys("node1");
        assertThat(message.snapshot().changes().kinds()).containsExactly(ResourceKind.NODE);
        assertThat(later.nodes()).containsOnlyKeys("node2");
    }
}
