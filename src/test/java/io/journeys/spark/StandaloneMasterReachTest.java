package io.journeys.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeys.RefusingPort;
import io.journeys.cli.JobFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StandaloneMasterReachTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Test
  void aMasterThatAcceptsConnectionsPasses() throws IOException {
    try (ServerSocket master = listening()) {
      assertThatCode(() -> StandaloneMasterReach.require("spark://127.0.0.1:" + master.getLocalPort(), TIMEOUT))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aClosedPortFailsNamingTheSettingAndTheAddress() throws IOException {
    try (RefusingPort refusing = RefusingPort.open()) {
      int closed = refusing.port();
      assertThatThrownBy(() -> StandaloneMasterReach.require("spark://127.0.0.1:" + closed, TIMEOUT))
          .isInstanceOf(JobFailure.class)
          .hasMessage("Cannot reach the cluster manager (spark.master 'spark://127.0.0.1:" + closed + "'): 127.0.0.1:"
              + closed + ": Connection refused");
    }
  }

  @Test
  void aHighAvailabilityListNeedsOneMasterOnlyAndNamesEveryOneWhenNoneAnswers() throws IOException {
    try (RefusingPort refusing = RefusingPort.open(); RefusingPort alsoRefusing = RefusingPort.open()) {
      int closed = refusing.port();
      int alsoClosed = alsoRefusing.port();
      try (ServerSocket leader = listening()) {
        assertThatCode(() -> StandaloneMasterReach.require(
            "spark://127.0.0.1:" + closed + ",127.0.0.1:" + leader.getLocalPort(), TIMEOUT))
            .doesNotThrowAnyException();
      }
      assertThatThrownBy(() -> StandaloneMasterReach.require(
          "spark://127.0.0.1:" + closed + ",127.0.0.1:" + alsoClosed, TIMEOUT))
          .hasMessageEndingWith("): 127.0.0.1:" + closed + ": Connection refused; 127.0.0.1:" + alsoClosed
              + ": Connection refused");
    }
  }

  @Test
  void otherMastersAndUrlsSparkRefusesItselfAreNotProbed() throws IOException {
    try (RefusingPort refusing = RefusingPort.open()) {
      int closed = refusing.port();
      for (String master : new String[] {"local[2]", "yarn", "k8s://https://127.0.0.1:" + closed,
          "local-cluster[1,1,512]", "spark://127.0.0.1", "spark://127.0.0.1:" + closed + "/path"}) {
        assertThat(StandaloneMasterReach.addresses(master)).as(master).isEmpty();
        assertThatCode(() -> StandaloneMasterReach.require(master, TIMEOUT)).as(master).doesNotThrowAnyException();
      }
    }
  }

  private static ServerSocket listening() throws IOException {
    return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }
}
