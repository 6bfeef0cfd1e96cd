package io.openelb.it;

/** {@link BgpResilienceLab} with FRR as the router. */
class BgpResilienceFrrIT extends BgpResilienceLab {
    @Override
    String router() {
        return "frr";
    }
}
