package io.openelb.config;

/** Which half of the load balancer this process runs; {@code all} runs both in one process (demo, tests). */
public enum Role {
    CONTROLLER,
    SPEAKER,
    ALL;

    public boolean runsController() {
        return this == CONTROLLER || this == ALL;
    }

    public boolean runsSpeaker() {
        return this == SPEAKER || this == ALL;
    }

    /** Accepts the role as written on the command line, in any case. */
    static Role parse(String text) {
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(text.trim())) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "', expected controller, speaker or all");
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
