package io.openelb.it;

class BgpPolicyFrrIT extends BgpPolicyLab {
    @Override
    String router() {
        return "frr";
    }

    @Override
    boolean ibgp() {
        return true;
    }
}
