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
