package io.journeys.report;

import io.journeys.config.JobSettings;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * Views for the common BI questions, created (or replaced) next to the tables:
 *
 * <ul>
 *   <li>{@code attribution_by_model}: one row per conversion date, macro conversion and touchpoint,
 *       one column of credited conversions per model (and {@code <model>_value} for value);
 *   <li>{@code micro_conversion_scorecard}: per date and micro conversion, its journeys, rate and
 *       lift beside the conversions attributed to it under each model: 0 where a model credited
 *       others that day, NULL where it credited nothing that day (not run, or no conversion).
 * </ul>
 *
 * <p>Which models ran is read from the table, not from a config: {@code sql} recreates the views
 * under whatever config it is given, and a model dropped from the config keeps its earlier days.
 */
public final class BiViews {
  private BiViews() {}

  public static void create(SparkSession spark, String database) {
    List<String> models = JobSettings.MODELS;
    String perModel = models.stream()
        .map(m -> "sum(CASE WHEN model = '" + m + "' THEN credited_conversions END) AS " + m
            + ", sum(CASE WHEN model = '" + m + "' THEN credited_value END) AS " + m + "_value")
        .collect(Collectors.joining(", "));
    spark.sql("CREATE OR REPLACE VIEW " + database + ".attribution_by_model"
        + " COMMENT 'Attributed conversions (and value) per model side by side'"
        + " AS SELECT conversion_date, macro_conversion, touchpoint, " + perModel
        + " FROM " + database + ".attribution GROUP BY conversion_date, macro_conversion, touchpoint");
    // A model that ran credits every conversion of its day, so a day without its rows is one it did
    // not run on (or one without conversions): NULL there, where 0 read as "credited nothing".
    String attributed = models.stream()
        .map(m -> "IF(r." + m + ", coalesce(a." + m + ", 0), NULL) AS " + m + "_conversions").collect(Collectors.joining(", "));
    String sums = models.stream().map(m -> "sum(" + m + ") AS " + m).collect(Collectors.joining(", "));
    String ran = models.stream().map(m -> "count(" + m + ") > 0 AS " + m).collect(Collectors.joining(", "));
    spark.sql("CREATE OR REPLACE VIEW " + database + ".micro_conversion_scorecard"
        + " COMMENT 'Per micro conversion and day: rate, lift and attributed conversions under each model"
        + " (NULL on a day the model credited nothing)'"
        + " AS SELECT p.date, p.micro_conversion, p.visitors AS journeys, p.converted_visitors AS converted_journeys,"
        + " p.conversion_rate, p.lift, p.median_days_to_convert, " + attributed
        + " FROM " + database + ".micro_conversion_performance p LEFT JOIN (SELECT conversion_date, touchpoint, " + sums
        + " FROM " + database + ".attribution_by_model GROUP BY conversion_date, touchpoint) a"
        + " ON a.conversion_date = p.date AND a.touchpoint = p.micro_conversion"
        + " LEFT JOIN (SELECT conversion_date, " + ran + " FROM " + database + ".attribution_by_model"
        + " GROUP BY conversion_date) r ON r.conversion_date = p.date");
  }
}
