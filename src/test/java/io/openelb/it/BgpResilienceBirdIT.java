package io.openelb.it;

/** {@link BgpResilienceLab} with Bird as the router. */
class BgpResilienceBirdIT extends BgpResilienceLab {
    @Override
    String router() {
        return "bird";
    }
}
