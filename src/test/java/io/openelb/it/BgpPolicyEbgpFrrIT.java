package io.openelb.it;

class BgpPolicyEbgpFrrIT extends BgpPolicyLab {
    @Override
    String router() {
        return "frr";
    }

    @Override
    boolean ibgp() {
        return false;
    }
}
