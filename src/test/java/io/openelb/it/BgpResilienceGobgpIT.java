package io.openelb.it;

/** {@link BgpResilienceLab} with Gobgp as the router. */
class BgpResilienceGobgpIT extends BgpResilienceLab {
    @Override
    String router() {
        return "gobgp";
    }
}
