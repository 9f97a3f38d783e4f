package io.journeys.io;

import io.journeys.cli.JobFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Where each output table lives: {@code <output.path>/<table>}, absolute, any Hadoop filesystem. */
public final class TableLocations {
  private final String root;
  private final String database;

  public TableLocations(String outputPath, String database) {
    this.root = absolute(outputPath);
    this.database = database;
  }

  public String path(OutputTable table) {
    return root + "/" + table.tableName();
  }

  public String qualifiedName(OutputTable table) {
    return database + "." + table.tableName();
  }

  public String database() {
    return database;
  }

  public String root() {
    return root;
  }

  /**
   * A path without a scheme is a local path: made absolute, since catalog locations must be. The
   * result is a Hadoop path string, not a URI's: Hadoop reads "%20" in a path string as those three
   * characters, so java.nio's encoded URI put the tables of "/data/my wh" under "/data/my%20wh".
   */
  static String absolute(String path) {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    // A scheme of two letters or more (a drive letter is no scheme); not URI.create, which refuses
    // a local path holding %, | or a quote.
    if (SCHEME.matcher(trimmed).find()) {
      return trimmed;
    }
    Path local = Path.of(trimmed).toAbsolutePath().normalize();
    failOnEncodedCopy(local);
    // java.nio ends the URI of an existing directory with a slash.
    return new org.apache.hadoop.fs.Path(local.toUri()).toString().replaceAll("/$", "");
  }

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

  /**
   * Versions before 2026-12-07 wrote the tables of a path with a space or a non-ASCII letter under
   * its URI-encoded name: without this, the next run would start empty tables beside them.
   */
  private static void failOnEncodedCopy(Path local) {
    String raw = local.toUri().getRawPath().replaceAll("/$", "");
    if (raw.equals(local.toString()) || Files.exists(local)) {
      return;
    }
    Path encoded = Path.of(raw);
    if (Files.isDirectory(encoded)) {
      throw new JobFailure("Cannot use output.path " + local + ": it does not exist, but " + encoded
          + " does, where versions before 2026-12-07 wrote its tables: move " + encoded + " to " + local);
    }
  }
}
