package io.sngw.core;

/**
 * Text from outside (a client id, a topic name, a configuration value) made safe to put in a log line: control and
 * line-breaking characters become visible escapes, so that a client id holding a newline cannot forge a log line
 * of its own, and what is shown is cut to a readable length.
 */
public final class LogText {
    /** Characters of a value shown; a log line is not the place for a megabyte of client id. */
    static final int MAX_SHOWN = 200;

    private LogText() {
    }

    /** {@code text} in double quotes, escaped, cut after {@value #MAX_SHOWN} characters ("… (N chars)"). */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        int shown = Math.min(text.length(), MAX_SHOWN);
        StringBuilder out = new StringBuilder(shown + 16).append('"');
        appendEscaped(out, text, 0, shown, true);
        out.append('"');
        if (shown < text.length()) {
            out.append("… (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    /** {@code text} with every control and line-breaking character escaped; nothing else changes. */
    public static String escape(String text) {
        int first = 0;
        while (first < text.length() && !needsEscape(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text; // the common case, without a copy
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        appendEscaped(out, text, first, text.length(), false);
        return out.toString();
    }

    /** Whether a character would break or disguise a log line: C0, DEL, C1, line and paragraph separators, bidi. */
    public static boolean needsEscape(char c) {
        if (Character.isISOControl(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
    }

    private static void appendEscaped(StringBuilder out, String text, int from, int to, boolean quoted) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (quoted && (c == '"' || c == '\\')) {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (needsEscape(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
    }
}
