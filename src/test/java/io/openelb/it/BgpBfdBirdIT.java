package io.openelb.it;

class BgpBfdBirdIT extends BgpBfdLab {
    @Override
    String router() {
        return "bird";
    }
}
