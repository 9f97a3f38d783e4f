package io.journeys.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@code journeys} in a JVM of its own, as {@code scripts/journeys} starts it:
 * the JVM flags the build gives the job, the test's classpath and the given log4j configuration.
 */
final class JourneysProcess {
  private JourneysProcess() {}

  static List<String> command(Path log4j, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("journeys.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-Dlog4j2.configurationFile=" + log4j.toUri(),
        "-cp", System.getProperty("java.class.path"), "io.journeys.cli.JourneysCli"));
    command.addAll(Arrays.asList(args));
    return command;
  }
}
