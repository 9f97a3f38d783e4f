package io.journeys;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** The log lines at WARN and above that a test's action makes, as "LEVEL message". */
public final class Warnings {
  private Warnings() {}

  /** Those of the loggers {@code loggers} accepts, logged while {@code action} runs. */
  public static List<String> during(Predicate<String> loggers, Runnable action) {
    List<String> warnings = new CopyOnWriteArrayList<>();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    // A name of its own: the root keeps appenders by name, and a second "capture" would be ignored.
    String name = "capture-" + UUID.randomUUID();
    AbstractAppender capture = new AbstractAppender(name, null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        if (loggers.test(event.getLoggerName())) {
          warnings.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        }
      }
    };
    capture.start();
    // The root's: every logger's events reach it (the test logging's own loggers are additive).
    LoggerConfig root = context.getConfiguration().getRootLogger();
    root.addAppender(capture, Level.WARN, null);
    try {
      action.run();
    } finally {
      root.removeAppender(name);
      capture.stop();
    }
    return warnings;
  }
}
