package io.eddy;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/**
 * The command line of an application's administrative operations, for the application's own
 * {@code main}: resetting it ({@link EddyApp#reset}) and describing its group
 * ({@link EddyApp#describeGroup}). Both need the application's pipeline (a reset deletes the
 * internal topics the pipeline names) and its cluster settings, so the command runs on an
 * {@link EddyApp} the caller built, not started:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     EddyApp app = buildApp();                      // the service's own pipeline and settings
 *     if (AdminCommand.isCommand(args)) {
 *         System.exit(AdminCommand.run(app, args, System.out));
 *     }
 *     app.start();
 *     ...
 * }
 * }</pre>
 *
 * Commands:
 * <pre>
 *   reset --to-earliest            input offsets to the first record still in the log
 *   reset --to-latest              input offsets to the end: old records are skipped
 *   reset --to-datetime INSTANT    input offsets to the first record at or after INSTANT (2026-12-01T00:00:00Z)
 *   reset --by-duration DURATION   input offsets to the first record at or after now minus DURATION (PT6H)
 *   describe                       members, their tasks and lag
 * </pre>
 *
 * <p>Stateless and thread-safe; each call blocks as the operation it runs does.
 */
public final class AdminCommand {

    /** The usage text printed on a bad command line. */
    public static final String USAGE = String.join("\n",
            "usage: reset (--to-earliest | --to-latest | --to-datetime INSTANT | --by-duration DURATION)",
            "       describe",
            "  reset      stop every instance first; resets the input offsets, deletes the internal topics",
            "             (changelogs, repartition topics, store registry) and the local state directory",
            "  describe   the consumer group's members, the tasks each owns and their lag");

    private AdminCommand() {
    }

    /** Whether {@code args} starts with one of the commands ({@code reset}, {@code describe}). */
    public static boolean isCommand(String[] args) {
        return args.length > 0 && (args[0].equals("reset") || args[0].equals("describe"));
    }

    /**
     * Runs the command in {@code args} on {@code app} and prints its outcome to {@code out}.
     *
     * @param app built with the service's pipeline and settings, not started; not null
     * @param args the command and its options; not null
     * @param out where the outcome (or the usage, or the error) is printed; not null
     * @return the exit status: 0 done, 1 refused or failed (the message says why), 2 bad command line
     */
    public static int run(EddyApp app, String[] args, PrintStream out) {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(out, "out");
        List<String> a = List.of(args);
        try {
            if (a.size() == 1 && a.get(0).equals("describe")) {
                out.println(app.describeGroup());
                return 0;
            }
            if (a.isEmpty() || !a.get(0).equals("reset")) {
                out.println(USAGE);
                return 2;
            }
            ResetOptions options = resetOptions(a.subList(1, a.size()));
            if (options == null) {
                out.println(USAGE);
                return 2;
            }
            ResetReport report = app.reset(options);
            out.println("reset '" + report.applicationId() + "':");
            out.println("  input offsets now " + report.inputOffsets());
            out.println("  deleted topics    " + report.deletedTopics());
            out.println("  wiped state dir   " + report.wipedStateDirectory().map(Object::toString).orElse("none"));
            return 0;
        } catch (DateTimeParseException e) {
            out.println("bad time: " + e.getMessage());
            out.println(USAGE);
            return 2;
        } catch (IllegalStateException | TopicCheckException e) {
            out.println("refused: " + e.getMessage());
            return 1;
        }
    }

    private static ResetOptions resetOptions(List<String> a) {
        if (a.size() == 1 && a.get(0).equals("--to-earliest")) {
            return ResetOptions.toEarliest();
        }
        if (a.size() == 1 && a.get(0).equals("--to-latest")) {
            return ResetOptions.toLatest();
        }
        if (a.size() == 2 && a.get(0).equals("--to-datetime")) {
            return ResetOptions.toTimestamp(Instant.parse(a.get(1)));
        }
        if (a.size() == 2 && a.get(0).equals("--by-duration")) {
            return ResetOptions.toTimestamp(Instant.now().minus(Duration.parse(a.get(1))));
        }
        return null;
    }
}
