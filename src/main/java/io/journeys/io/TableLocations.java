package io.journeys.io;

import java.net.URI;
import java.nio.file.Path;

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
    URI uri = URI.create(trimmed.replace(" ", "%20"));
    if (uri.getScheme() != null && uri.getScheme().length() > 1) {
      return trimmed;
    }
    // java.nio ends the URI of an existing directory with a slash.
    return new org.apache.hadoop.fs.Path(Path.of(trimmed).toAbsolutePath().normalize().toUri()).toString().replaceAll("/$", "");
  }
}
