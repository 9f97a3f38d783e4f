package io.journeys.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The version {@code journeys --version} prints: the pom's, written into the jar by Maven's
 * resource filtering, so that a scheduler's log names the build that ran, SNAPSHOT or release.
 */
public final class BuildVersion implements CommandLine.IVersionProvider {

  static final String RESOURCE = "/io/journeys/build.properties";

  /** The project version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        // Classes compiled without Maven's resources phase (an IDE's build) have no such file.
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "unknown");
      return version.startsWith("${") ? "unknown" : version;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"conversion-journeys " + version()};
  }
}
