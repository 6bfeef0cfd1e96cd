package io.openelb.ui.view;

import java.util.List;

/**
 * What an edit or a delete of an Eip does to the Services that hold or ask for its addresses.
 *
 * @param keep    Services that keep their addresses, {@code namespace/name}
 * @param lose    Services that lose them (or, for a delete, block it), each with the reason
 * @param refused non-null when the change must not be made (a delete of a pool in use): the message shown
 */
public record ChangePreview(List<String> keep, List<Loss> lose, String refused) {
    /** A Service that would lose its address(es), and why ("192.0.2.9 is outside 192.0.2.0/29"). */
    public record Loss(String service, String reason) {}

    public ChangePreview {
        keep = List.copyOf(keep);
        lose = List.copyOf(lose);
    }
}
