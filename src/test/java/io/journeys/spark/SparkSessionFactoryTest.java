package io.journeys.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparkSessionFactoryTest {
  @Test
  void deltaRebuildsTableStateWithOnePartitionPerCoreUpToItsOwnDefault() {
    assertThat(SparkSessionFactory.snapshotPartitions(1)).isEqualTo(2);
    assertThat(SparkSessionFactory.snapshotPartitions(2)).isEqualTo(2);
    assertThat(SparkSessionFactory.snapshotPartitions(16)).isEqualTo(16);
    assertThat(SparkSessionFactory.snapshotPartitions(400)).isEqualTo(50);
  }
}
