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

  /** spark-submit's --conf of a tuning key was overridden by the job's own value without a word. */
  @Test
  void theJobsTuningYieldsToSparkSubmitsConfButNotWhatItCannotRunWithout() {
    java.util.Set<String> given = java.util.Set.of("spark.sql.maxConcurrentOutputFileWriters",
        "spark.sql.session.timeZone", "spark.sql.extensions");
    java.util.Map<String, String> applied = SparkSessionFactory.baseConfBeside(given::contains);
    assertThat(applied).doesNotContainKey("spark.sql.maxConcurrentOutputFileWriters")
        .containsEntry("spark.sql.session.timeZone", "UTC")
        .containsEntry("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .containsEntry("spark.sql.codegen.cache.maxEntries", "1000");
    assertThat(SparkSessionFactory.baseConfBeside(key -> false)).isEqualTo(SparkSessionFactory.baseConf());
  }
}
