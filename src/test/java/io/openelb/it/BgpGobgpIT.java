package io.openelb.it;

/** {@link BgpLab} with gobgp as the router. */
class BgpGobgpIT extends BgpLab {
    @Override
    String router() {
        return "gobgp";
    }
}
