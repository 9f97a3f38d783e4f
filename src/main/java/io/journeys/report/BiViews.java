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
 *       lift beside the conversions attributed to it under each model.
 * </ul>
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
    String attributed = models.stream()
        .map(m -> "coalesce(a." + m + ", 0) AS " + m + "_conversions").collect(Collectors.joining(", "));
    String sums = models.stream().map(m -> "sum(" + m + ") AS " + m).collect(Collectors.joining(", "));
    spark.sql("CREATE OR REPLACE VIEW " + database + ".micro_conversion_scorecard"
        + " COMMENT 'Per micro conversion and day: rate, lift and attributed conversions under each model'"
        + " AS SELECT p.date, p.micro_conversion, p.visitors AS journeys, p.converted_visitors AS converted_journeys,"
        + " p.conversion_rate, p.lift, p.median_days_to_convert, " + attributed
        + " FROM " + database + ".micro_conversion_performance p LEFT JOIN (SELECT conversion_date, touchpoint, " + sums
        + " FROM " + database + ".attribution_by_model GROUP BY conversion_date, touchpoint) a"
        + " ON a.conversion_date = p.date AND a.touchpoint = p.micro_conversion");
  }
}
