package io.openelb.bgp.fsm;

import java.util.List;

/** The outcome of one event: the next state, the actions in order, and why (empty when nothing changed). */
public record Transition(Session next, List<Action> actions, String reason) {
    public Transition {
        actions = List.copyOf(actions);
    }
}
