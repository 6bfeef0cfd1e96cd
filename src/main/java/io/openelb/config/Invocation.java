package io.openelb.config;

/** What the command line asks for: run with a configuration, or print something and exit. */
public sealed interface Invocation {

    /** Run the roles with this configuration. */
    record Run(OperatorConfig config) implements Invocation {}

    /** Print {@code text} (to stdout when {@code exitCode} is 0, else stderr) and exit with {@code exitCode}. */
    record Exit(int exitCode, String text) implements Invocation {}
}
