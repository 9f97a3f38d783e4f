package io.journeys.io;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * Every Delta table the job writes (SPEC §5): name, date partition column, schema with column
 * comments, and table comment. The schema here is the contract; {@link DeltaTableWriter} conforms
 * each Dataset to it before writing: a missing column fails before any commit, and every column
 * is cast to its type here (a count computed as BIGINT is stored as the schema's INT, say).
 */
public enum OutputTable {
  SESSIONS(
      "sessions",
      "session_date",
      "One row per session: one device's events with no gap longer than sessions.timeout and no campaign change"
          + " (with sessions.source = input, one tracker session id's run of events).",
      "session_date DATE COMMENT 'Day of the session\\'s first event in reporting.timezone',"
          + " visitor_key STRING COMMENT 'Stitched visitor: the device\\'s most recent user_id as known at the end of the row\\'s day, else visitor_id',"
          + " visitor_id STRING COMMENT 'Device / cookie id',"
          + " session_id STRING COMMENT 'Session id (deterministic hash of device and start, or the tracker\\'s id)',"
          + " session_start TIMESTAMP COMMENT 'First event time (UTC)',"
          + " session_end TIMESTAMP COMMENT 'Last event time (UTC)',"
          + " channel STRING COMMENT 'Channel from channels.rules on the first event',"
          + " landing_page STRING COMMENT 'page_url of the first event',"
          + " referrer_url STRING COMMENT 'referrer_url of the first event',"
          + " utm_source STRING COMMENT 'Campaign source of the session',"
          + " utm_medium STRING COMMENT 'Campaign medium of the session',"
          + " utm_campaign STRING COMMENT 'Campaign name of the session',"
          + " events BIGINT COMMENT 'Events in the session',"
          + " page_views BIGINT COMMENT 'page_view events in the session'",
      List.of("session_start", "session_end")),
  CONVERSIONS(
      "conversions",
      "event_date",
      "One row per touchpoint (micro conversion occurrence after dedupe) or macro conversion. Rules counted"
          + " per journey fire in journeys only (see journey_rule_matches).",
      "event_date DATE COMMENT 'Day of the event in reporting.timezone',"
          + " visitor_key STRING COMMENT 'Stitched visitor: the device\\'s most recent user_id as known at the end of the row\\'s day, else visitor_id',"
          + " visitor_id STRING COMMENT 'Device / cookie id',"
          + " session_id STRING COMMENT 'Session the conversion happened in',"
          + " event_id STRING COMMENT 'Event that fired the conversion (the N-th match for count rules)',"
          + " event_time TIMESTAMP COMMENT 'When it happened (UTC)',"
          + " kind STRING COMMENT 'micro or macro',"
          + " conversion STRING COMMENT 'Conversion rule name from config',"
          + " channel STRING COMMENT 'Channel of the session',"
          + " value DOUBLE COMMENT 'Value of a macro conversion (its value expression), else null'",
      List.of("event_time")),
  JOURNEY_RULE_MATCHES(
      "journey_rule_matches",
      "event_date",
      "Matches of the per = journey micro rules, from which each journey's N-th is chosen: per session and rule,"
          + " its first N matches, and again after each macro conversion of the device. Written only while such a"
          + " rule is configured.",
      "event_date DATE COMMENT 'Day of the event in reporting.timezone',"
          + " visitor_key STRING COMMENT 'Stitched visitor: the device\\'s most recent user_id as known at the end of the row\\'s day, else visitor_id',"
          + " visitor_id STRING COMMENT 'Device / cookie id',"
          + " session_id STRING COMMENT 'Session of the match',"
          + " event_id STRING COMMENT 'Event that matched the rule',"
          + " event_time TIMESTAMP COMMENT 'When it happened (UTC)',"
          + " conversion STRING COMMENT 'Per-journey micro conversion rule name from config'",
      List.of("event_time")),
  IDENTITIES(
      "identities",
      "last_seen_date",
      "Device to user links: every valid event carrying a user_id links its device, one row per pair and UTC day (outside UTC, per part of that day"
          + " between midnights of reporting.timezone); the most recent user of a device stitches its journeys.",
      "last_seen_date DATE COMMENT 'UTC day the pair was seen',"
          + " visitor_id STRING COMMENT 'Device / cookie id',"
          + " user_id STRING COMMENT 'Known user id seen on that device',"
          + " first_seen TIMESTAMP COMMENT 'First event with this pair in the day of the row, or the part of it the row covers (UTC)',"
          + " last_seen TIMESTAMP COMMENT 'Last event with this pair in the day of the row, or the part of it the row covers (UTC)'"),
  JOURNEYS(
      "journeys",
      "close_date",
      "One row per closed journey, counted once on the day it closes.",
      "close_date DATE COMMENT 'Day the journey closed: the macro conversion day, or last touchpoint + lookback',"
          + " journey_id STRING COMMENT 'Deterministic id of the journey',"
          + " visitor_key STRING COMMENT 'Stitched visitor',"
          + " converted BOOLEAN COMMENT 'True when the journey ended in a macro conversion',"
          + " macro_conversion STRING COMMENT 'Macro conversion name, null for non-converting journeys',"
          + " value DOUBLE COMMENT 'Value of the macro conversion',"
          + " path STRING COMMENT 'Touchpoint names in time order joined with \" > \" (repeats kept)',"
          + " touchpoints ARRAY<STRING> COMMENT 'Touchpoint names in time order',"
          + " touchpoint_times ARRAY<TIMESTAMP> COMMENT 'Touchpoint times, aligned with touchpoints',"
          + " journey_start TIMESTAMP COMMENT 'First touchpoint time',"
          + " journey_end TIMESTAMP COMMENT 'Macro conversion time, or last touchpoint time when not converted',"
          + " exit_touchpoint STRING COMMENT 'Last touchpoint before the journey closed (the exit step of non-converters)',"
          + " days_to_convert DOUBLE COMMENT 'Days from first touchpoint to the macro conversion',"
          + " sessions_to_convert INT COMMENT 'Distinct sessions with a touchpoint or the conversion'",
      List.of("journey_start", "journey_end")),
  ATTRIBUTION(
      "attribution",
      "conversion_date",
      "Credit of macro conversions to touchpoints, per model.",
      "conversion_date DATE COMMENT 'Day of the macro conversion',"
          + " macro_conversion STRING COMMENT 'Macro conversion name',"
          + " touchpoint STRING COMMENT 'Touchpoint credited, (none) for conversions without touchpoints',"
          + " model STRING COMMENT 'Attribution model',"
          + " credited_conversions DOUBLE COMMENT 'Sum of conversion credit (each conversion hands out exactly 1)',"
          + " credited_value DOUBLE COMMENT 'Sum of value credit (each conversion hands out its value)'"),
  PATHS(
      "paths",
      "close_date",
      "Journeys by path (after paths.transform); non-converting journeys have macro_conversion (none).",
      "close_date DATE COMMENT 'Day the journeys closed',"
          + " macro_conversion STRING COMMENT 'Macro conversion, or (none) for non-converting journeys',"
          + " path STRING COMMENT 'Transformed path, touchpoints joined with \" > \"',"
          + " conversions BIGINT COMMENT 'Converting journeys with this path',"
          + " non_conversions BIGINT COMMENT 'Non-converting journeys with this path',"
          + " value DOUBLE COMMENT 'Value of the converting journeys'"),
  MICRO_CONVERSION_PERFORMANCE(
      "micro_conversion_performance",
      "date",
      "For each micro conversion: journeys closed that day containing it, and how they converted.",
      "date DATE COMMENT 'Close day of the journeys',"
          + " micro_conversion STRING COMMENT 'Micro conversion name',"
          + " visitors BIGINT COMMENT 'Journeys closed that day containing the micro conversion',"
          + " converted_visitors BIGINT COMMENT 'Of those, journeys that converted',"
          + " conversion_rate DOUBLE COMMENT 'converted_visitors / visitors',"
          + " lift DOUBLE COMMENT 'conversion_rate / conversion rate of that day\\'s journeys without it',"
          + " median_days_to_convert DOUBLE COMMENT 'Median days to convert of the converting journeys'"),
  CHANNEL_PERFORMANCE(
      "channel_performance",
      "date",
      "Sessions, visitors and conversions per channel and day.",
      "date DATE COMMENT 'Day',"
          + " channel STRING COMMENT 'Session channel',"
          + " sessions BIGINT COMMENT 'Sessions started that day',"
          + " visitors BIGINT COMMENT 'Distinct visitor_keys with a session that day',"
          + " micro_conversions BIGINT COMMENT 'Touchpoints that day in sessions of the channel',"
          + " macro_conversions BIGINT COMMENT 'Macro conversions that day in sessions of the channel',"
          + " value DOUBLE COMMENT 'Value of those macro conversions'"),
  FUNNELS(
      "funnels",
      "date",
      "Ordered funnels from config: visitors reaching each step in order within the lookback; every step every day, 0 included.",
      "date DATE COMMENT 'Day',"
          + " funnel STRING COMMENT 'Funnel name',"
          + " step INT COMMENT 'Step number, from 1',"
          + " step_name STRING COMMENT 'Conversion name of the step',"
          + " visitors BIGINT COMMENT 'Visitors reaching this step in order',"
          + " rate_from_previous DOUBLE COMMENT 'visitors / visitors of the previous step (1 at step 1; null when that is 0)',"
          + " rate_from_start DOUBLE COMMENT 'visitors / visitors of step 1 (null when that is 0)'"),
  MODEL_WEIGHTS(
      "model_weights",
      "date",
      "Fitted weights of the data-driven models (markov, shapley, shapley_simplified) per day.",
      "date DATE COMMENT 'Day the model was fitted for',"
          + " model STRING COMMENT 'Model name',"
          + " touchpoint STRING COMMENT 'Touchpoint',"
          + " weight DOUBLE COMMENT 'markov: share of the removal effects (sums to 1; all 0 when the training window holds no conversion); shapley, shapley_simplified: mean share of credit over the day\\'s conversions whose journey contains the touchpoint',"
          + " removal_effect DOUBLE COMMENT 'Markov removal effect P(conv) - P(conv without touchpoint); null for other models',"
          + " conversion_probability DOUBLE COMMENT 'Markov P(conversion) of the fitted chain; null for other models',"
          + " journeys_in_training BIGINT COMMENT 'Journeys closed in the training window with at least one touchpoint (those the model is fitted on)'"),
  QUARANTINE(
      "quarantine",
      "event_date",
      "Input rows rejected by validation, with the reason and the raw row as JSON.",
      "event_date DATE COMMENT 'Input partition the row came from',"
          + " reason STRING COMMENT 'Why the row was rejected',"
          + " run_id STRING COMMENT 'Run that rejected it',"
          + " raw STRING COMMENT 'The input row as JSON'"),
  RUN_METRICS(
      "run_metrics",
      "date",
      "One row per processed date, from the last run that rewrote it: input accounting, rows written and stage"
          + " timings.",
      "date DATE COMMENT 'Processed date',"
          + " run_id STRING COMMENT 'Run id',"
          + " started_at TIMESTAMP COMMENT 'Run start (UTC)',"
          + " rows_read BIGINT COMMENT 'Input rows of the date',"
          + " rows_valid BIGINT COMMENT 'Rows kept (each as by the last run writing its date)',"
          + " rows_quarantined BIGINT COMMENT 'Rows sent to quarantine',"
          + " rows_duplicate BIGINT COMMENT 'Duplicate event ids dropped (each as by the last run writing its date)',"
          + " quarantined_by_reason MAP<STRING, BIGINT> COMMENT 'Quarantined rows per reason',"
          + " rows_written MAP<STRING, BIGINT> COMMENT 'Rows written per table by the whole run',"
          + " stage_seconds MAP<STRING, DOUBLE> COMMENT 'Wall seconds per stage of the run'");

  private final String tableName;
  private final String partitionColumn;
  private final String comment;
  private final StructType schema;
  private final List<String> statsColumns;

  OutputTable(String tableName, String partitionColumn, String comment, String ddl) {
    this(tableName, partitionColumn, comment, ddl, List.of());
  }

  OutputTable(String tableName, String partitionColumn, String comment, String ddl, List<String> statsColumns) {
    this.tableName = tableName;
    this.partitionColumn = partitionColumn;
    this.comment = comment;
    this.schema = StructType.fromDDL(ddl);
    this.statsColumns = statsColumns;
  }

  public String tableName() {
    return tableName;
  }

  public String partitionColumn() {
    return partitionColumn;
  }

  public String comment() {
    return comment;
  }

  public StructType schema() {
    return schema;
  }

  /**
   * The columns Delta keeps file statistics (min, max, nulls) on; empty for Delta's default (the
   * first 32). On the big tables, only the times: a date's file holds all its visitors (or an
   * arbitrary share of them), so it spans nearly all its ids, names and hours, and min/max on them
   * skip nothing. The string statistics cost 16-38% of the sessions and conversions writes' CPU;
   * the times are cheap and answer min/max queries (a freshness check) from the log.
   */
  public List<String> statsColumns() {
    return statsColumns;
  }

  /**
   * Whether a write gathers each date's rows before writing them (Spark's rebalance: a shuffle by
   * the date, small dates in one file, big ones split to the advisory partition size). The big
   * tables come out of a pass partitioned by visitor, where every task holds rows of every date:
   * written as they are, each date got one small file per task, and stage 2 opens every file of
   * its windows on each run.
   */
  public boolean rebalancedByDate() {
    return this == SESSIONS || this == CONVERSIONS || this == JOURNEY_RULE_MATCHES || this == JOURNEYS;
  }
}
