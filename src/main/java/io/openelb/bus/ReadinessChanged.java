package io.openelb.bus;

/**
 * A part of the process can or cannot do its work now; {@code /readyz} lists the parts that cannot.
 *
 * @param component short name, e.g. {@code layer2}
 * @param problem why it cannot, "" when it can
 */
public record ReadinessChanged(String component, String problem) implements BusMessage {}
