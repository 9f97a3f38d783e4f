package io.journeys.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A standalone cluster for {@code scripts/bench --cluster}: the master and worker of {@link
 * StandaloneCluster} (executors in their own JVMs), kept up until standard input closes, so the
 * harness can measure the driver's and the executors' memory apart.
 *
 * <p>Usage: {@code BenchCluster DIR CORES MEMORY}, with this JVM's classpath holding Spark; the
 * jvm flags come from {@code -Djourneys.jvm.flags}. Prints {@code bench-cluster: master=URL}.
 */
public final class BenchCluster {
  private BenchCluster() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: BenchCluster DIR CORES MEMORY");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    List<String> flags = Arrays.asList(System.getProperty("journeys.jvm.flags", "").trim().split("\\s+"));
    try (StandaloneCluster cluster = StandaloneCluster.start(dir,
        StandaloneCluster.sparkOnly(System.getProperty("java.class.path")), flags.get(0).isEmpty() ? List.of() : flags,
        Integer.parseInt(args[1]), args[2])) {
      System.out.println("bench-cluster: master=" + cluster.masterUrl());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Held until the harness closes our standard input.
      }
    }
  }
}
