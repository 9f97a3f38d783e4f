package io.journeys.cli;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and one worker, started as separate JVMs
 * from spark-core's own {@code Master} and {@code Worker} classes. No Spark distribution can be
 * downloaded here, so the worker's SPARK_HOME is built from the Maven-resolved Spark jars: a
 * {@code jars/} directory of links, which is where the worker's launcher looks for the executors'
 * classpath. Executors are real separate JVMs forked by the worker, fetching the application jar
 * from the driver, as on any cluster.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final List<Process> daemons = new ArrayList<>();
  private final String masterUrl;

  private StandaloneCluster(Path dir, String masterUrl) {
    this.dir = dir;
    this.masterUrl = masterUrl;
  }

  /** Starts the master and a worker with {@code cores} cores and {@code memory} (e.g. "2g"). */
  static StandaloneCluster start(Path dir, String sparkClasspath, List<String> jvmFlags, int cores, String memory)
      throws IOException, InterruptedException {
    Path sparkHome = sparkHomeOf(dir.resolve("spark-home"), sparkClasspath);
    int port = freePort();
    StandaloneCluster cluster = new StandaloneCluster(dir, "spark://127.0.0.1:" + port);
    try {
      Path masterLog = dir.resolve("master.log");
      cluster.daemons.add(daemon(sparkHome, sparkClasspath, jvmFlags, masterLog, "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
      awaitLine(masterLog, "I have been elected leader", cluster.daemons.get(0));
      Path workerLog = dir.resolve("worker.log");
      Files.createDirectories(dir.resolve("work"));
      cluster.daemons.add(daemon(sparkHome, sparkClasspath, jvmFlags, workerLog, "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--cores", String.valueOf(cores), "--memory", memory,
          "--webui-port", String.valueOf(freePort()), "--work-dir", dir.resolve("work").toString(), cluster.masterUrl));
      awaitLine(workerLog, "Successfully registered with master", cluster.daemons.get(1));
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Spark and Hadoop as a cluster provides them, from a full classpath: neither our classes nor
   * Delta nor our libraries, which must come from the application jar.
   */
  static String sparkOnly(String classpath) {
    return java.util.Arrays.stream(classpath.split(File.pathSeparator))
        .filter(e -> !e.contains("delta-") && !e.endsWith("classes") && !e.contains("picocli") && !e.contains("/config/"))
        .collect(java.util.stream.Collectors.joining(File.pathSeparator));
  }

  String masterUrl() {
    return masterUrl;
  }

  /** The master's and worker's logs and the executors' stderr, for a failure message. */
  String logs() throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log") || p.getFileName().toString().equals("stderr")).toList()) {
        all.append("==> ").append(f).append('\n').append(Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      // The worker's executors are its children: stop them with it.
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      try {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    // The links go with the cluster, not with JUnit's temporary directory, which warns of each link
    // to a file outside it that it deletes (223 lines of a CI log), though it never follows one.
    try (var links = Files.list(dir.resolve("spark-home").resolve("jars"))) {
      for (Path link : links.filter(Files::isSymbolicLink).toList()) {
        Files.delete(link);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot remove the links of " + dir.resolve("spark-home"), e);
    }
  }

  private static Path sparkHomeOf(Path home, String classpath) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    int n = 0;
    for (String entry : classpath.split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(source)) {
        // Prefixed so that two artifacts with the same file name cannot collide.
        Files.createSymbolicLink(jars.resolve(String.format("%04d-%s", n++, source.getFileName())), source);
      }
    }
    return home;
  }

  private static Process daemon(Path sparkHome, String classpath, List<String> jvmFlags, Path log, String mainClass,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-Xmx512m", "-cp", classpath, mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    // Read by the worker's launcher when it builds an executor's command (no build tree to look at).
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  private static void awaitLine(Path log, String text, Process process) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("exited before '" + text + "':\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no '" + text + "' within " + START_TIMEOUT + ":\n"
        + Files.readString(log, StandardCharsets.UTF_8));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
