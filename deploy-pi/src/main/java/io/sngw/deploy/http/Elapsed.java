package io.sngw.deploy.http;

import java.time.Duration;

/** A time span as an operator reads it on the page and in the CLI: 45s, 3m 12s, 2h 5m, 4d 3h. */
public final class Elapsed {
    private Elapsed() {
    }

    public static String text(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }
}
