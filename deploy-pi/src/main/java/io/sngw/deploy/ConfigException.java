package io.sngw.deploy;

import io.sngw.core.LogText;

/**
 * The configuration file is not usable. The message names the key path (e.g. {@code udp.port}), the value found
 * and what was expected, so that it can be shown to an operator as it is, without a stack trace.
 */
public final class ConfigException extends Exception {

    private final String path;

    public ConfigException(String path, String message) {
        super(path.isEmpty() ? message : path + ": " + message);
        this.path = path;
    }

    public ConfigException(String path, String message, Throwable cause) {
        super(path.isEmpty() ? message : path + ": " + message, cause);
        this.path = path;
    }

    /** The dotted key path the problem is at; empty for the file as a whole. */
    public String path() {
        return path;
    }

    /** The standard shape: {@code path: value is not valid: expected ...}. */
    static ConfigException invalid(String path, Object value, String expected) {
        return new ConfigException(path, describe(value) + " is not valid: expected " + expected);
    }

    /**
     * The standard shape for a secret (a password): the kind of value found, never the value, not even as YAML
     * converted it ({@code 0123} arrives as the number 83 and would still give the password away).
     */
    static ConfigException invalidSecret(String path, Object value, String expected) {
        return new ConfigException(path, kind(value) + " (the value is not shown: a secret) is not valid: expected "
                + expected);
    }

    private static String kind(Object value) {
        if (value == null || value instanceof java.util.Map<?, ?> || value instanceof java.util.List<?>) {
            return describe(value);  // null, "a mapping", "a list": nothing of the secret in them
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a " + value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT); // a date, say
    }

    /** How a value from the YAML tree is shown in a message: strings quoted, so that {@code "1"} and 1 differ. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return LogText.quote(s); // a value may be anything: a newline, a megabyte
        }
        if (value instanceof java.util.Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof java.util.List<?>) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
