package io.openelb.ui.view;

import java.util.List;

/**
 * Previews of a change to an Eip, following what the controller really does (the {@code ipam} allocator's
 * rules): which Services keep their addresses, which lose them, and whether a delete is refused. Pure.
 */
public final class EipChanges {
    private EipChanges() {}

    /** Replacing {@code before} by {@code after} (same name): edit, disable, re-enable. */
    public static ChangePreview ofEdit(EipInput before, EipInput after, List<ServiceInput> services) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Deleting {@code eip}: refused while any Service holds one of its addresses (the list says which). */
    public static ChangePreview ofDelete(EipInput eip, List<ServiceInput> services) {
        throw new UnsupportedOperationException("not yet");
    }
}
