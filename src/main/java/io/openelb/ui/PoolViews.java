package io.openelb.ui;

import io.openelb.ui.view.ChangePreview;
import io.openelb.ui.view.EipChanges;
import io.openelb.ui.view.EipInput;
import io.openelb.ui.view.PoolMap;
import io.openelb.ui.view.PoolMaps;
import io.openelb.ui.view.ServiceInput;
import java.util.List;

/**
 * The pure views the UI's handlers ask for: a pool's address map and the preview of an edit or a delete. The
 * handlers get them through this interface so a handler's own steps (reads, writes, refusals, JSON) can be
 * tested with views given by the test.
 */
interface PoolViews {
    PoolMap map(EipInput eip, List<ServiceInput> services);

    ChangePreview ofEdit(EipInput before, EipInput after, List<ServiceInput> services);

    ChangePreview ofDelete(EipInput eip, List<ServiceInput> services);

    /** {@link PoolMaps} and {@link EipChanges}: what the UI runs with. */
    PoolViews PURE = new PoolViews() {
        @Override
        public PoolMap map(EipInput eip, List<ServiceInput> services) {
            return PoolMaps.of(eip, services);
        }

        @Override
        public ChangePreview ofEdit(EipInput before, EipInput after, List<ServiceInput> services) {
            return EipChanges.ofEdit(before, after, services);
        }

        @Override
        public ChangePreview ofDelete(EipInput eip, List<ServiceInput> services) {
            return EipChanges.ofDelete(eip, services);
        }
    };
}
