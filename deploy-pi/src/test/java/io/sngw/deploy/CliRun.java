package io.sngw.deploy;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code sngw …} command line run in this JVM: its exit code and what it printed on stdout and stderr. */
public record CliRun(int code, String out, String err) {

    public static CliRun sngw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
