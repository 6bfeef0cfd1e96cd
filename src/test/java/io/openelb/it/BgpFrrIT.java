package io.openelb.it;

/** {@link BgpLab} with frr as the router. */
class BgpFrrIT extends BgpLab {
    @Override
    String router() {
        return "frr";
    }
}
