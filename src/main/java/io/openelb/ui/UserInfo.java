package io.openelb.ui;

import java.util.List;

/** Who the API server says a token belongs to (SelfSubjectReview). */
public record UserInfo(String username, List<String> groups) {
    public UserInfo {
        groups = List.copyOf(groups);
    }
}
