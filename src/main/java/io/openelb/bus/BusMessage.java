package io.openelb.bus;

/**
 * Every payload sent on the event bus. Each is an immutable record passed by reference through
 * {@link LocalCodec}; {@link EventBusCodecs#registerAll} registers one codec per permitted type.
 */
public sealed interface BusMessage permits ClusterChanged, CurrentSnapshot, ReadinessChanged {}
