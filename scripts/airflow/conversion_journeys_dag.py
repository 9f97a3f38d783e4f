"""Airflow DAG: the daily conversion-journeys run.

Processes the previous complete UTC day. With Airflow 3's default CronTriggerTimetable the logical
date is the trigger time itself, so ``ds`` would be *today*; this DAG uses
``CronDataIntervalTimetable`` and the data interval instead: the run triggered just after midnight
covers [yesterday 00:00, today 00:00) and processes ``data_interval_start`` (yesterday).

- catchup=True: unpaused with an old start_date (or ``airflow dags backfill``), it runs every
  missed day in order; ``max_active_runs=1`` keeps one writer per Delta table, which Delta on S3
  (S3SingleDriverLogStore) requires.
- A sensor waits for the day's input partition (``event_date=YYYY-MM-DD/_SUCCESS``) so a late
  upstream is retried, not failed; the job itself also fails cleanly when the partition is missing.
- Connection ids: ``spark_default`` (SparkSubmitOperator: master, deploy mode, queue) and
  ``aws_default`` (S3KeySensor). The job's own S3 credentials come from the cluster's AWS provider
  chain, never from this file.
"""
from datetime import timedelta

import pendulum

# The command line the job receives, kept in one constant so a test can parse it with the job's
# real command-line parser: a renamed option breaks the build, not the night run.
PROCESS_DAY = "{{ data_interval_start | ds }}"
APPLICATION_ARGS = ["run", "--date", PROCESS_DAY, "--config", "production.conf"]

JAR = "s3://acme-artifacts/conversion-journeys/conversion-journeys-0.1.0.jar"
CONFIG_FILE = "s3://acme-artifacts/conversion-journeys/production.conf"
INPUT_BUCKET = "acme-events"
INPUT_PREFIX = "web/events"

try:  # Keep the module importable for the argument test where Airflow is not installed.
    from airflow import DAG
    from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
    from airflow.timetables.interval import CronDataIntervalTimetable
except ImportError:  # pragma: no cover
    DAG = None

if DAG is not None:
    with DAG(
        dag_id="conversion_journeys_daily",
        description="Sessions, micro/macro conversions and attribution into Delta Lake tables",
        schedule=CronDataIntervalTimetable("15 0 * * *", timezone="UTC"),
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=True,
        max_active_runs=1,
        default_args={
            "owner": "analytics-engineering",
            "retries": 4,
            "retry_delay": timedelta(minutes=10),
            "retry_exponential_backoff": True,
            "max_retry_delay": timedelta(hours=2),
        },
        tags=["conversion-journeys", "delta"],
    ) as dag:
        wait_for_input = S3KeySensor(
            task_id="wait_for_input_partition",
            aws_conn_id="aws_default",
            bucket_name=INPUT_BUCKET,
            bucket_key=f"{INPUT_PREFIX}/event_date={PROCESS_DAY}/_SUCCESS",
            mode="reschedule",
            poke_interval=600,
            timeout=12 * 3600,
        )

        run_job = SparkSubmitOperator(
            task_id="run_conversion_journeys",
            conn_id="spark_default",
            application=JAR,
            java_class="io.journeys.cli.JourneysCli",
            application_args=APPLICATION_ARGS,
            files=CONFIG_FILE,
            conf={"spark.sql.session.timeZone": "UTC"},
            driver_memory="4g",
            executor_memory="8g",
            executor_cores=4,
            name="conversion-journeys-{{ data_interval_start | ds_nodash }}",
        )

        wait_for_input >> run_job
