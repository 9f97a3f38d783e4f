package io.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {
  @Test
  void aFailedWriteGivesItsTasksErrorNotTheWrappers() {
    // The chain of a Delta write whose task overflowed (two values of 5e18, by a black-box test):
    // the line said only "[TASK_WRITE_FAILED] Task failed while writing rows to file:/…".
    ArithmeticException overflow = new ArithmeticException(
        "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and return NULL instead. SQLSTATE: 22003");
    SparkException task = new SparkException(
        "[TASK_WRITE_FAILED] Task failed while writing rows to file:/wh/attribution. SQLSTATE: 58030", overflow);
    SparkException job = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 1 times", task);
    assertThat(ErrorMessages.reason(job))
        .isEqualTo("[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and return NULL instead. SQLSTATE: 22003");
  }

  @Test
  void aWrapperWithoutACauseIsTheReasonItself() {
    SparkException task = new SparkException("[TASK_WRITE_FAILED] Task failed while writing rows to file:/wh/attribution.", null);
    assertThat(ErrorMessages.reason(task)).isEqualTo("[TASK_WRITE_FAILED] Task failed while writing rows to file:/wh/attribution.");
  }

  @Test
  void aMessageThatAnnouncesItsCauseOrHasNoTextIsSkipped() {
    IllegalStateException cause = new IllegalStateException("\n  Derby is locked by another process\nmore detail");
    RuntimeException announcing = new RuntimeException("Error while instantiating 'HiveSessionStateBuilder':", cause);
    assertThat(ErrorMessages.reason(new RuntimeException(announcing))).isEqualTo("Derby is locked by another process");
    assertThat(ErrorMessages.reason(new UnsupportedOperationException())).isEqualTo("UnsupportedOperationException");
  }
}
