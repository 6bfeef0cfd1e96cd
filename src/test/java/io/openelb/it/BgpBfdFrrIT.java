package io.openelb.it;

class BgpBfdFrrIT extends BgpBfdLab {
    @Override
    String router() {
        return "frr";
    }
}
