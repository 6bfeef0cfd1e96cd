package io.openelb.bus;

import static org.assertj.core.api.Assertions.assertThat;

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
            InformersSynced.class, new InformersSynced(List.of(ResourceKind.SERVICE, ResourceKind.EIP)),
            ResourceChanged.class,
                    new ResourceChanged(ResourceKind.SERVICE, ResourceChanged.Change.UPDATED, "default", "web"),
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
        LocalCodec<InformersSynced> codec = new LocalCodec<>(InformersSynced.class);

        assertThat(codec.name()).isEqualTo("local:" + InformersSynced.class.getName());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> codec.encodeToWire(io.vertx.core.buffer.Buffer.buffer(), new InformersSynced(List.of())))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("local-only");
    }

    @Test
    void messagesAreImmutable() {
        List<ResourceKind> kinds = new java.util.ArrayList<>(List.of(ResourceKind.NODE));
        InformersSynced message = new InformersSynced(kinds);
        kinds.add(ResourceKind.EIP);

        assertThat(message.kinds()).containsExactly(ResourceKind.NODE);
    }
}
