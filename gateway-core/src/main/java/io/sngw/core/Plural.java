package io.sngw.core;

/** A count with its noun for log lines: {@code 1 message}, {@code 2 messages}, {@code 0 messages}. */
public final class Plural {

    private Plural() {
    }

    /** {@code count} and {@code noun}, the noun with an {@code s} unless the count is exactly one. */
    public static String of(long count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }
}
