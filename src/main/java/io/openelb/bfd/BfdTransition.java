package io.openelb.bfd;

import java.util.List;

/** The outcome of one event: the next session, the actions in order, and why (empty when nothing changed). */
public record BfdTransition(BfdSession next, List<BfdAction> actions, String reason) {
    public BfdTransition {
        actions = List.copyOf(actions);
    }
}
