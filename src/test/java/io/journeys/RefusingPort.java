package io.journeys;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports on 127.0.0.1 that refuse connections, for tests of an endpoint that is down. They are taken
 * below the kernel's ephemeral range. A port the kernel hands out and that is closed again (what the
 * tests used before) can be handed out once more: to the process under test, or to the one of the
 * test method running beside it (ObjectStorageDownIT runs its two side by side), whose driver and
 * block manager bind port 0, and that process would answer where a refusal is expected (a review).
 * No process of the tests binds a port below that range.
 */
public final class RefusingPort {
  /** Linux's default first ephemeral port; macOS and Windows start higher, at 49152. */
  private static final int DEFAULT_EPHEMERAL_LOW = 32768;

  private static final AtomicInteger NEXT = new AtomicInteger(ephemeralLow() - 1);

  private RefusingPort() {}

  /** A port no other call of this JVM returned, on which a connection was just refused. */
  public static int next() {
    // Ports at 1024 and below are left alone: a service of the machine's may listen there.
    for (int port = NEXT.getAndDecrement(); port > 1024; port = NEXT.getAndDecrement()) {
      if (refuses(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no port below the ephemeral range refuses connections on 127.0.0.1");
  }

  private static boolean refuses(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException other) { // a timeout: something there, not refusing
      return false;
    }
  }

  private static int ephemeralLow() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      // Read line by line: a file of /proc claims no size, and Files.readString returned its first byte.
      return Files.isReadable(range)
          ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : DEFAULT_EPHEMERAL_LOW;
    } catch (IOException | RuntimeException e) { // unreadable or not the two numbers it holds on Linux
      return DEFAULT_EPHEMERAL_LOW;
    }
  }
}
