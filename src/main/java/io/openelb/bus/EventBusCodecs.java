package io.openelb.bus;

import io.vertx.core.eventbus.EventBus;

/** Registers the local codec for every {@link BusMessage} type, so senders need no DeliveryOptions. */
public final class EventBusCodecs {
    private EventBusCodecs() {}

    public static void registerAll(EventBus bus) {
        for (Class<?> type : BusMessage.class.getPermittedSubclasses()) {
            register(bus, type.asSubclass(BusMessage.class));
        }
    }

    private static <T extends BusMessage> void register(EventBus bus, Class<T> type) {
        bus.registerDefaultCodec(type, new LocalCodec<>(type));
    }
}
