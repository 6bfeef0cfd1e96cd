package io.openelb.it;

class BgpPolicyBirdIT extends BgpPolicyLab {
    @Override
    String router() {
        return "bird";
    }

    @Override
    boolean ibgp() {
        return true;
    }
}
