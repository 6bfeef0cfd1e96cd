package io.openelb.layer2;

import io.openelb.model.IpAddress;
import java.util.Set;

/**
 * What the verticle's side uses of one interface's ARP/NDP responder ({@link Responder} on a real node).
 *
 * <p>Threads: {@link #answerFor} and {@link #announce} on the verticle's context; {@link #close} blocks
 * (it stops a capture thread) and runs on a worker.
 */
interface Answerer extends AutoCloseable {
    /** The interface it answers on. */
    Nic nic();

    /** Answers for exactly these addresses from the next request on. */
    void answerFor(Set<IpAddress> addresses);

    /** Sends one gratuitous ARP / unsolicited NA for an address (only while it answers for it). */
    void announce(IpAddress address);

    /** Stops answering at once, then releases the interface. */
    @Override
    void close();
}
