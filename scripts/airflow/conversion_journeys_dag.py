"""Airflow DAG: the daily conversion-journeys run.

Processes the previous day. With Airflow 3's default CronTriggerTimetable the logical date is the
trigger time itself, so ``ds`` would be *today*; this DAG uses ``CronDataIntervalTimetable`` and the
data interval instead: the run triggered at 00:15 UTC covers [yesterday 00:15, today 00:15) and
processes the date of ``data_interval_start`` (yesterday). The day is the one of
``reporting.timezone`` in production.conf (Europe/Paris), which ends at 23:00 or 22:00 UTC: complete
by the trigger. A zone west of UTC needs the next UTC partition too (README, Semantics), and its
day ends hours into it: trigger after that day's end plus upstream's delay (05:00 UTC and more for
New York), since the job checks that the partition exists, not that it is complete.

- catchup=True: unpaused with an old start_date, it runs every missed day in order. One writer per
  Delta table, which Delta on S3 (S3SingleDriverLogStore) requires, is kept by the job's task
  (``max_active_tis_per_dag=1``), not only by ``max_active_runs=1``: Airflow 3's backfills
  (``airflow backfill create``) apply their own ``max_active_runs`` (10 by default), apart from the
  DAG's, so a backfill's runs queue at that task instead of writing the tables at once.
- A day is re-run by clearing its run, which keeps its data interval. A manual trigger processes
  the data interval Airflow gives it (for this timetable, the last whole day before the trigger),
  not a logical date typed in.
- A sensor waits for the day's input partition (any object under ``event_date=YYYY-MM-DD/``: a
  Spark writer puts its ``_SUCCESS`` at the root, not in each partition; an upstream that marks
  each finished partition should set ``INPUT_READY_KEY`` to its marker) so a late upstream is
  waited for, not failed; the job itself also fails cleanly when the partition is missing. Without
  such a marker the first object of a partition still being written satisfies it: late rows are
  then taken in by the next days' ``input.late-days`` reruns (README, Semantics).
- Cluster deploy mode (the operator's ``deploy_mode``, which the hook reads to follow a
  standalone cluster's driver to its end): ``--files`` puts production.conf in the
  driver's working directory only there; in client mode ``--config production.conf`` is not found.
  So spark-submit does not hand on the driver's exit code, and every failure is retried alike: a
  usage error (exit 2, not worth retrying) is kept out by the test that parses
  ``APPLICATION_ARGS`` with the job's real command line.
- Connection ids: ``spark_default`` (SparkSubmitOperator: master, queue) and ``aws_default``
  (S3KeySensor). The job's own S3 credentials come from the cluster's AWS provider chain, never
  from this file.
- ``journeys-log4j2.properties`` (the repository's ``conf/log4j2.properties``, uploaded under that
  name) travels with the config and is the driver's logging, so its log holds the job's progress and one error line instead of
  Spark's INFO (thousands of lines a run).
"""
from datetime import timedelta

# The command line the job receives, kept in one constant so a test can parse it with the job's
# real command-line parser: a renamed option breaks the build, not the night run.
PROCESS_DAY = "{{ data_interval_start | ds }}"
APPLICATION_ARGS = ["run", "--date", PROCESS_DAY, "--config", "production.conf"]

# s3a://, which hadoop-aws serves on any cluster (s3:// is EMR's own filesystem). The jar is
# target/conversion-journeys-<version>.jar, uploaded under this name.
JAR = "s3a://acme-artifacts/conversion-journeys/conversion-journeys.jar"
CONFIG_FILE = "s3a://acme-artifacts/conversion-journeys/production.conf"
# The repository's conf/log4j2.properties under a name of its own: shipped as log4j2.properties,
# YARN's containers have it on their classpath, and it became the executors' logging too (task
# traces off; a review).
LOG_CONFIG_FILE = "s3a://acme-artifacts/conversion-journeys/journeys-log4j2.properties"
INPUT_BUCKET = "acme-events"
INPUT_PREFIX = "web/events"
INPUT_READY_KEY = f"{INPUT_PREFIX}/event_date={PROCESS_DAY}/*"

try:  # Keep the module importable for the argument test where Airflow is not installed.
    from airflow import DAG
except ImportError:  # pragma: no cover
    DAG = None

if DAG is not None:
    # Outside the guard: on an Airflow without these providers the file must fail to import, which
    # the UI shows, rather than define no DAG and silently stop the daily runs (a review).
    import pendulum
    from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
    from airflow.timetables.interval import CronDataIntervalTimetable

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
            bucket_key=INPUT_READY_KEY,
            wildcard_match=INPUT_READY_KEY.endswith("*"),
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
            files=f"{CONFIG_FILE},{LOG_CONFIG_FILE}",
            # The operator's own argument, not spark.submit.deployMode in conf: the hook reads it
            # to follow a standalone cluster's driver to its end (a review).
            deploy_mode="cluster",
            # One run of the job at a time across all runs of this DAG, backfills' included, and
            # in date order: a day runs after the day before it succeeded (out of order, a day's
            # models are fitted on the journeys there so far; README, Semantics).
            max_active_tis_per_dag=1,
            depends_on_past=True,
            # A hung run would hold that slot for every later day; a killed run is safe to retry
            # (each table's dates are replaced in one commit) once its driver has stopped: the
            # operator's on_kill stops it (YARN by the application id in the submit log, a
            # standalone cluster by its driver id, Kubernetes by its pod). Set to a few times a usual run.
            execution_timeout=timedelta(hours=6),
            conf={
                # Airflow's retries decide; a second YARN attempt ran the whole job again.
                "spark.yarn.maxAppAttempts": "1",
                "spark.sql.session.timeZone": "UTC",
                # Replaces, not extends, a spark.driver.extraJavaOptions of the cluster's
                # spark-defaults.conf (spark.driver.defaultJavaOptions, an administrator's, is kept
                # and comes first): copy such options in here (a review).
                "spark.driver.extraJavaOptions": "-Dlog4j2.configurationFile=journeys-log4j2.properties",
            },
            driver_memory="4g",
            executor_memory="8g",
            executor_cores=4,
            name="conversion-journeys-{{ data_interval_start | ds_nodash }}",
        )

        wait_for_input >> run_job
