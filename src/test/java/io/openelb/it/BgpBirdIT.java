package io.openelb.it;

/** {@link BgpLab} with bird as the router. */
class BgpBirdIT extends BgpLab {
    @Override
    String router() {
        return "bird";
    }
}
