package io.journeys;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A port on 127.0.0.1 that refuses connections for as long as it is open, for tests of an endpoint
 * that is down: a socket bound to it that does not listen, so the kernel hands the port to no one
 * else meanwhile. An ephemeral port opened and closed again, as the tests took before, could be
 * handed out once more, to the Spark process of the test method running beside it (the ITs run
 * two methods at a time), whose driver and block manager bind port 0 and would then answer where a
 * refusal was expected (a review).
 */
public final class RefusingPort implements AutoCloseable {
  private final Socket held;

  private RefusingPort(Socket held) {
    this.held = held;
  }

  public static RefusingPort open() throws IOException {
    Socket socket = new Socket();
    try {
      // Without SO_REUSEADDR no other socket may bind the port, listening or not.
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
      return new RefusingPort(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  public int port() {
    return held.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    held.close();
  }
}
