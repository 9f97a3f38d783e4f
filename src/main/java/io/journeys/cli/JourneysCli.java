package io.journeys.cli;

import io.journeys.ErrorMessages;
import io.journeys.config.ConfigError;
import io.journeys.config.ConfigPrinter;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one entry point, the same under {@code scripts/journeys} and {@code spark-submit}. Exit 0 on
 * success; on failure one line on stderr (the stack trace too with {@code --verbose}) and exit 1,
 * or 2 for a usage error.
 */
@Command(
    name = "journeys",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Conversion journeys: sessions, micro/macro conversions and attribution on Spark and Delta Lake.",
    subcommands = {RunCommand.class, GenerateCommand.class, SqlCommand.class, ReportCommand.class, CheckConfigCommand.class})
public final class JourneysCli implements Runnable {

  @Option(names = "--verbose", description = "Print stack traces of failures.", scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: run, generate, sql, report or check-config");
  }

  /**
   * The line of a command stopped by a signal (a scheduler's timeout or stop, Ctrl-C). Spark's own
   * shutdown hook stops it under the command, whose failure then read "Cannot call methods on a
   * stopped SparkContext" or "[INTERNAL_ERROR] ... You hit a bug in Spark" (found from outside, by
   * sending SIGTERM to runs).
   */
  static final String STOPPED = "Stopped by a signal (SIGTERM or SIGINT) before the command finished: every table keeps"
      + " its last committed version, and a rerun of the same dates completes the run";

  private static final java.util.concurrent.atomic.AtomicBoolean STOPPING = new java.util.concurrent.atomic.AtomicBoolean();
  private static volatile boolean commandEnded;

  public static void main(String[] args) {
    java.io.PrintStream stderr = System.err;
    hostedDriver = databricksDriver(System.getenv(), JourneysCli::sparkDriverRunning);
    if (hostedDriver) {
      // The host's JVM and logging outlive this command, and its other tasks share them: nothing
      // is silenced after a failure's line, nor a signal's line printed for the host's own end.
      int code;
      try {
        code = execute(args);
      } catch (Throwable e) {
        sayUnhandled(e, args, stderr);
        code = 1;
      }
      exit(code);
      return;
    }
    // Shutdown hooks start together; this one only prints, so its line comes before the command
    // fails on the Spark that Spark's hook is stopping, and that failure prints nothing. What the
    // stopping Spark prints itself after the line goes nowhere: a Scala future's rejected task as a
    // stack trace, and its log (NettyRpcEnv's "Ignored failure: RejectedExecutionException" came
    // after the line once in CI, through log4j's appender, which kept the stderr it was given).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (!commandEnded && STOPPING.compareAndSet(false, true)) {
        stderr.println("journeys: " + STOPPED);
        stderr.flush();
        quietAfterTheLine();
      }
    }, "journeys-stopped-line"));
    int code;
    try {
      io.journeys.io.AwsSdkLogging.startQuietly();
      code = execute(args);
      commandEnded = true;
      if (code != 0) {
        quietAfterTheLine();
      }
      // Commands leave the session open (tests run several in one JVM); the process ends it here.
      org.apache.spark.sql.SparkSession.getDefaultSession().foreach(session -> {
        session.stop();
        return null;
      });
    } catch (Throwable e) {
      // What the command's own handler does not catch (an Error: a class missing from the
      // classpath under `java -jar`, say) ended main with the JVM's trace, and then the hook's
      // signal line, though no signal came (a black-box test).
      if (STOPPING.get()) {
        throw e;
      }
      commandEnded = true;
      sayUnhandled(e, args, stderr);
      code = 1;
    }
    exit(code);
  }

  /**
   * Ends the process with the command's code, or, as the driver of YARN's cluster mode, returns
   * it the way YARN reads it. There the ApplicationMaster runs main on a thread of its own and
   * reports the application SUCCEEDED when main returns; System.exit, even with 0, ends it first
   * and its shutdown hook reports FAILED (EXIT_EARLY), and YARN runs a second attempt of the whole
   * job (a review, from Spark's ApplicationMaster). So a success returns, and a failure (its line
   * already said) is thrown: FAILED. Whether YARN then tries again is spark.yarn.maxAppAttempts,
   * which scripts/submit and the Airflow DAG set to 1 (the scheduler's retries decide).
   */
  static void exit(int code) {
    if (yarnClusterDriver() || hostedDriver) {
      if (code != 0) {
        throw new CommandFailed(code);
      }
      return;
    }
    System.exit(code);
  }

  /** Set by main when the command runs in a Databricks driver's JVM (see databricksDriver). */
  private static volatile boolean hostedDriver;

  /**
   * A Databricks JAR task: main runs in the cluster's long-lived driver JVM, on its shared
   * SparkContext, and the task's outcome is main's return or exception. System.exit ended the
   * driver under the platform, stopping the session stopped the context its other tasks share,
   * and a failure silenced the driver's logging for them (reviews; Databricks asks JAR tasks for
   * none of it). The runtime's variable alone is also set in a notebook's shell and a web
   * terminal, where scripts/journeys starts a JVM of its own: so only with a SparkContext that
   * was running before main.
   */
  static boolean databricksDriver(java.util.Map<String, String> env, java.util.function.BooleanSupplier driverBeforeMain) {
    return env.get("DATABRICKS_RUNTIME_VERSION") != null && driverBeforeMain.getAsBoolean();
  }

  /**
   * A SparkContext already running in this JVM (its SparkEnv is global, where a session may be
   * only a thread's). Asked only on Databricks: under `java -jar`, with no Spark on the classpath,
   * the class is missing, and main must still say so in its one line.
   */
  private static boolean sparkDriverRunning() {
    try {
      return org.apache.spark.SparkEnv.get() != null;
    } catch (LinkageError e) {
      return false;
    }
  }

  /** Set by YARN's ApplicationMaster in the driver's JVM in cluster mode only. */
  static boolean yarnClusterDriver() {
    return System.getProperty("spark.yarn.app.id") != null
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** A failed command's end under YARN's cluster mode: the line was said; the code is the message. */
  static final class CommandFailed extends RuntimeException {
    private final int code;

    CommandFailed(int code) {
      super("conversion-journeys failed with exit code " + code + " (its line is above)", null, false, false);
      this.code = code;
    }

    int code() {
      return code;
    }
  }

  /**
   * After a failed command's line, Spark is stopped under the failed job's tasks that are still
   * running or being offered: its scheduler then logged RejectedExecutionException traces from
   * "Inbox: Ignoring error" and "Exception in statusUpdate" after the line, now and then (56 lines
   * once in a black-box test's failing query). The line has been said; the rest is the process
   * ending.
   */
  private static void quietAfterTheLine() {
    try {
      org.apache.logging.log4j.core.config.Configurator.setAllLevels(
          org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME, org.apache.logging.log4j.Level.OFF);
    } catch (LinkageError e) { // another logging backend: its messages stay
    }
    System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  /**
   * The line of a failure outside any command's handling, and with --verbose its trace, as for a
   * command's own failure: an Error (a stack overflow in Spark's planner, out of memory) passes
   * picocli's handler, and --verbose printed no more than the line (a review).
   */
  static void sayUnhandled(Throwable e, String[] args, java.io.PrintStream err) {
    err.println("journeys: " + unhandledLine(e));
    if (java.util.Arrays.asList(args).contains("--verbose")) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(ConfigPrinter.withoutPasswords(trace.toString()));
    }
    err.flush();
  }

  /** The line of a failure outside any command's handling. */
  static String unhandledLine(Throwable e) {
    // Only a class that is not there: an ExceptionInInitializerError is a LinkageError too, but its
    // cause (whose line reason() now gives) says what failed, and may hold a URL to mask.
    if (e instanceof NoClassDefFoundError) {
      return "Cannot start: a class is missing from the classpath (" + ErrorMessages.reason(e).replace('/', '.')
          + "): Spark comes from the cluster, so run the jar with spark-submit, or use scripts/journeys";
    }
    return failureLine(e);
  }

  /**
   * Said when what a command printed did not all reach stdout: a full disk, a closed pipe. Both
   * PrintStream and PrintWriter swallow the IOException, so `sql ... --format csv > /dev/full` and
   * a disk filling up mid-export gave a cut-off file and exit 0 (a review).
   */
  static final String OUTPUT_LOST = "Cannot write the output: standard output failed (a full disk, or a pipe whose"
      + " reader stopped), so what was printed is incomplete";

  /** Runs the command line on the process's stdout and returns the exit code. */
  public static int execute(String... args) {
    CommandLine cli = commandLine();
    cli.setOut(stdoutWriter(System.out, stdoutIsTerminal()));
    return execute(cli, args);
  }

  /** From Java 22 System.console() is there when stdout is redirected too: Console.isTerminal tells. */
  private static boolean stdoutIsTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // before Java 22, a console means a terminal
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /**
   * The commands' writer over {@code stdout} (System.out as it is now: a host may have replaced
   * it). A PrintStream keeps a write's IOException to itself, so a PrintWriter over it never sees
   * one: this one's checkError asks the stream too. UTF-8 unless a terminal's own encoding is
   * known: CSV and JSON are read as UTF-8 (JSON must be), and on Java 19+ stdout.encoding is the
   * locale's, ASCII under LANG=C (a YARN container, cron), which printed "Été" as "?t?" (a review).
   */
  static PrintWriter stdoutWriter(java.io.PrintStream stdout, boolean terminal) {
    java.nio.charset.Charset charset = java.nio.charset.StandardCharsets.UTF_8;
    if (terminal) {
      String encoding = java.util.Optional.ofNullable(System.getProperty("stdout.encoding"))
          .orElse(System.getProperty("sun.stdout.encoding"));
      if (encoding != null && java.nio.charset.Charset.isSupported(encoding)) {
        charset = java.nio.charset.Charset.forName(encoding);
      }
    }
    return new PrintWriter(new java.io.OutputStreamWriter(stdout, charset), true) {
      @Override
      public boolean checkError() {
        return super.checkError() | stdout.checkError();
      }
    };
  }

  /**
   * Runs the command line on {@code cli}'s own out and err (tests give theirs) and returns the exit
   * code: 1, with its line, when the command succeeded but its output could not all be written.
   */
  public static int execute(CommandLine cli, String... args) {
    int code = cli.execute(args);
    boolean outputLost = cli.getOut().checkError(); // flushes, whatever the code
    if (code == 0 && outputLost && !STOPPING.get()) {
      cli.getErr().println("journeys: " + OUTPUT_LOST);
      cli.getErr().flush();
      return 1;
    }
    return code;
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new JourneysCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.registerConverter(LocalDate.class, JourneysCli::parseDate);
    // A query that starts with a comment ("-- daily conversions" heading a .sql file) looked to
    // picocli like a misspelt option, and sql refused it as one (a review); SqlCommand refuses what
    // still reads as one.
    cli.getSubcommands().get("sql").setUnmatchedOptionsArePositionalParams(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean verbose = parseResult.hasMatchedOption("--verbose")
              || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
          if (STOPPING.get()) {
            return 1; // the shutdown hook printed the line; the JVM exits with the signal's code
          }
          PrintWriter err = commandLine.getErr();
          err.println("journeys: " + failureLine(e));
          if (verbose) {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(ConfigPrinter.withoutPasswords(trace.toString()));
          }
          err.flush();
          return 1;
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          String message = String.valueOf(e.getMessage());
          // sql takes a word it does not know as its query (one may start with "--"): a misspelt
          // option before the query took its place, and the line named the words after it.
          if (e.getCommandLine().getCommand() instanceof SqlCommand sql && sql.query != null
              && SqlCommand.looksLikeAnOption(sql.query)) {
            message = "Unknown option: '" + sql.query + "'";
          }
          // One line, as for any failure (SPEC §6): the hint goes on the same line.
          err.println("journeys: " + ConfigPrinter.withoutPasswords(message) + " (try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
          err.flush();
          return 2;
        });
    return cli;
  }

  /** A date as the scheduler passes it; java.time's own message names its classes, not the form. */
  static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
        // Of the form, but not on the calendar (2026-02-30): saying "not of the form" misleads.
        throw new CommandLine.TypeConversionException("'" + text + "' is not a day of the calendar");
      }
      throw new CommandLine.TypeConversionException("'" + text + "' is not a date of the form YYYY-MM-DD");
    }
  }

  /**
   * The first line of the most useful message in the cause chain, with any password a URL in it
   * carries masked: the line goes to a scheduler's logs.
   */
  static String failureLine(Throwable e) {
    return ConfigPrinter.withoutPasswords(mostUsefulLine(e));
  }

  private static String mostUsefulLine(Throwable e) {
    Throwable t = e;
    while (!(t instanceof ConfigError || t instanceof JobFailure) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (!(t instanceof ConfigError || t instanceof JobFailure)) {
      return ErrorMessages.reason(e);
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : ErrorMessages.firstLine(t.getMessage());
  }
}
