package io.openelb.ui;

/**
 * What the signed-in user may do, asked of the API server at sign-in (SelfSubjectAccessReview, cluster-wide);
 * the UI shows only the actions allowed. Only a hint for the page: every write is still made with the user's
 * token, so the API server has the last word.
 */
public record Permissions(
        boolean listEips,
        boolean createEips,
        boolean updateEips,
        boolean deleteEips,
        boolean listServices,
        boolean patchServices,
        boolean listBgpPeers,
        boolean listEvents) {
    public static final Permissions NONE = new Permissions(false, false, false, false, false, false, false, false);
}
