package io.openelb.status;

/**
 * A BGP session's BFD session (RFC 5880) with its router, as this node runs it.
 *
 * @param state             Up, Down, Init or AdminDown
 * @param diagnostic        why it last changed state, RFC 5880 section 4.1's diagnostic in one word
 *                          ({@code None} once Up, {@code ControlDetectionTimeExpired}, ...)
 * @param detectionTimeMs   after this long without the router's packets the path counts as down; 0 until the
 *                          router's first packet
 * @param transmitIntervalMs configured: the fastest this node sends (once Up)
 * @param receiveIntervalMs configured: the fastest this node accepts the router's packets
 * @param detectMultiplier  configured: packets the router may miss
 * @param passiveMode       configured: this node waits for the router to speak first
 */
public record BfdView(String state, String diagnostic, long detectionTimeMs, long transmitIntervalMs,
        long receiveIntervalMs, int detectMultiplier, boolean passiveMode) {}
