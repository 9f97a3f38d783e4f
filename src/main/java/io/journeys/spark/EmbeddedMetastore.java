package io.journeys.spark;

import io.journeys.cli.JobFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded Derby metastore of {@code conf/local.conf} serves one process at a time. A second
 * process on it (a {@code sql} while a {@code run} goes on) retried for some 20 s, logged thousands
 * of lines and ended on Hive's "Unable to instantiate SessionHiveMetaStoreClient", which names
 * neither the cause nor the remedy. This names both before Spark starts. So it does for a directory
 * that holds no database, where Derby refuses to create one.
 *
 * <p>A booted Derby database holds an exclusive file lock on {@code dbex.lck} in its directory for
 * as long as its process lives; the file stays after the process ends, the lock does not.
 */
public final class EmbeddedMetastore {
  static final String URL_KEY = "spark.hadoop.javax.jdo.option.ConnectionURL";
  private static final String DERBY = "jdbc:derby:";

  private EmbeddedMetastore() {}

  /**
   * Fails when the Spark settings name an embedded Derby metastore that another process has
   * booted, or a directory without a Derby database in it. Call it before this process opens the
   * catalog: on Linux, closing any handle of the lock file would release a lock this process itself
   * held.
   */
  public static void requireUsable(Map<String, String> sparkConf) {
    String url = sparkConf.get(URL_KEY);
    Optional<Path> directory = Optional.ofNullable(url).flatMap(EmbeddedMetastore::derbyDirectory);
    if (directory.isEmpty()) {
      return;
    }
    if (heldByAnotherProcess(directory.get())) {
      throw new JobFailure("Cannot open the catalog: the embedded Derby metastore " + directory.get()
          + " is in use by another process (a run, sql or notebook session on it); it serves one process at a"
          + " time: run this when that one has finished, or give both a shared metastore (README, Tables)");
    }
    if (createsInPlace(url) && holdsNoDatabase(directory.get())) {
      // Found in a checkout: a directory holding only tmp/. Derby refused to create the database
      // there ("Directory ... already exists", under "Failed to create database ..., see the next
      // exception") and Hive logged some 33,000 lines of retries around it.
      throw new JobFailure("Cannot open the catalog: the embedded Derby metastore " + directory.get()
          + " is a directory without a Derby database in it (no service.properties), where Derby will not create"
          + " one: move it away, and the next run or sql creates the metastore and registers the tables found"
          + " under output.path");
    }
  }

  /**
   * Whether the URL asks Derby to create the database where it is missing ({@code create=true}),
   * not to restore or copy one from a backup, which replaces the directory.
   */
  static boolean createsInPlace(String url) {
    Map<String, String> attributes = attributes(url);
    return "true".equalsIgnoreCase(attributes.get("create"))
        && !attributes.containsKey("restorefrom") && !attributes.containsKey("createfrom")
        && !attributes.containsKey("rollforwardrecoveryfrom");
  }

  /**
   * Whether {@code directory} exists without a Derby database in it: Derby then fails to create one
   * (SQLState XBM0J, even where the directory is empty), where it creates one in a missing directory.
   * A database being upgraded can have its service.properties only as the backup Derby boots from.
   */
  static boolean holdsNoDatabase(Path directory) {
    return Files.isDirectory(directory) && !Files.exists(directory.resolve("service.properties"))
        && !Files.exists(directory.resolve("service.propertiesold"));
  }

  /** A Derby URL's {@code ;name=value} attributes, names in lower case as Derby matches them. */
  static Map<String, String> attributes(String url) {
    Map<String, String> attributes = new HashMap<>();
    String[] parts = url.split(";");
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) {
        attributes.put(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT), parts[i].substring(eq + 1).trim());
      }
    }
    return attributes;
  }

  /**
   * The directory of the embedded Derby database a JDBC URL names ({@code
   * jdbc:derby:[directory:]name[;attr=value]*}, the {@code databaseName} attribute where the URL
   * has no name, as Derby reads it), relative names against {@code derby.system.home} or the
   * working directory as Derby resolves them; empty for another database, Derby's network client,
   * or a database in memory, in the classpath or in a jar.
   */
  static Optional<Path> derbyDirectory(String url) {
    if (!url.toLowerCase(Locale.ROOT).startsWith(DERBY)) {
      return Optional.empty();
    }
    String name = url.substring(DERBY.length()).split(";", -1)[0].trim();
    if (name.isEmpty()) {
      name = attributes(url).getOrDefault("databasename", "");
    }
    if (name.startsWith("//") || name.matches("(?i)(memory|classpath|jar):.*")) {
      return Optional.empty();
    }
    name = name.replaceFirst("(?i)^directory:", "");
    if (name.isBlank()) {
      return Optional.empty();
    }
    Path path = Path.of(name);
    if (!path.isAbsolute()) {
      path = Path.of(System.getProperty("derby.system.home", System.getProperty("user.dir"))).resolve(path);
    }
    return Optional.of(path.normalize());
  }

  /** Whether another process holds the lock of the Derby database in {@code directory}. */
  static boolean heldByAnotherProcess(Path directory) {
    Path lock = directory.resolve("dbex.lck");
    if (!Files.isRegularFile(lock)) {
      return false; // never booted, or not a Derby database: Derby itself will say what is wrong
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock held = channel.tryLock();
      if (held == null) {
        return true;
      }
      held.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return false; // this process holds it
    } catch (IOException e) {
      return false; // unreadable here: leave the verdict to Derby
    }
  }
}
