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

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
