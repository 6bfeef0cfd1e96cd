package io.openelb.it;

class BgpPolicyGobgpIT extends BgpPolicyLab {
    @Override
    String router() {
        return "gobgp";
    }

    @Override
    boolean ibgp() {
        return true;
    }
}
