package io.journeys.spark;

import io.journeys.cli.JobFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refuses a run whose standalone master ({@code spark://HOST:PORT}, or a list of them for a
 * high-availability pair) accepts no connection, before Spark starts. Spark itself retries the
 * registration three times, 20 s apart, prints each attempt's stack trace, gives up after about
 * 70 s with its own ERROR, and the run then failed on its first query with "Cannot call methods
 * on a stopped SparkContext", a line that names neither the setting nor the master (113 lines on
 * stderr, measured against a closed port). Other cluster managers are left to Spark.
 */
public final class StandaloneMasterReach {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final String SCHEME = "spark://";

  private StandaloneMasterReach() {}

  /**
   * Passes when {@code master} is not a standalone master, is one Spark will refuse by itself (it
   * cannot be parsed), or when at least one of its addresses accepts a TCP connection within
   * {@code timeout}: in a high-availability list only one master leads, and Spark finds it.
   */
  public static void require(String master, Duration timeout) {
    Optional<List<InetSocketAddress>> addresses = addresses(master);
    if (addresses.isEmpty()) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (InetSocketAddress address : addresses.get()) {
      Optional<String> failure = connect(address, timeout);
      if (failure.isEmpty()) {
        return;
      }
      failures.add(address.getHostString() + ":" + address.getPort() + ": " + failure.get());
    }
    throw new JobFailure("Cannot reach the cluster manager (spark.master '" + master + "'): "
        + String.join("; ", failures));
  }

  /** The addresses of a standalone master URL, or empty for any other master or a malformed URL. */
  static Optional<List<InetSocketAddress>> addresses(String master) {
    if (!master.startsWith(SCHEME)) {
      return Optional.empty();
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String hostPort : master.substring(SCHEME.length()).split(",")) {
      try {
        URI uri = new URI(SCHEME + hostPort.trim());
        if (uri.getHost() == null || uri.getPort() < 0 || (uri.getPath() != null && !uri.getPath().isEmpty())) {
          return Optional.empty();
        }
        addresses.add(InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort()));
      } catch (URISyntaxException e) {
        return Optional.empty(); // Spark's own "Invalid master URL" says it better
      }
    }
    return Optional.of(addresses);
  }

  private static Optional<String> connect(InetSocketAddress unresolved, Duration timeout) {
    InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    if (address.isUnresolved()) {
      return Optional.of("unknown host");
    }
    try (Socket socket = new Socket()) {
      socket.connect(address, Math.toIntExact(timeout.toMillis()));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }
}
