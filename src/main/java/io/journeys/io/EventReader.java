package io.journeys.io;

import static io.journeys.Columns.EVENT_DATE;
import static io.journeys.Columns.EVENT_TIME;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.journeys.Columns;
import io.journeys.ErrorMessages;
import io.journeys.cli.JobFailure;
import io.journeys.config.JobSettings;
import io.journeys.config.JobSettings.InputSettings;
import io.journeys.spark.ReferencedColumns;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.VarcharType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the events of a partition range and maps them to the logical columns (SPEC §2).
 *
 * <p>Only the partitions {@code event_date} in [first, last] are listed and read (their directories,
 * and a filter on the partition column for other layouts), so a daily run costs O(day), not
 * O(history). Each logical column is the
 * user's column name or SQL expression ({@code input.columns.*}); absent optional columns are
 * nulls. {@code event_time} is normalised to a UTC TIMESTAMP from timestamp, timestamp_ntz, epoch
 * seconds / millis / micros / nanos (told apart by magnitude) or ISO-8601 strings; unless it was a timestamp
 * already, the value as read is kept in {@code event_time_raw} so validation can tell a missing time
 * from an unparseable one.
 *
 * <p>A missing required column, an expression that does not resolve, an unreadable path or a
 * missing run-date partition fails here, before anything is written.
 */
public final class EventReader {
  /** The raw event time as read, before normalisation (a string for the quarantine message). */
  public static final String EVENT_TIME_RAW = "event_time_raw";

  /** The input row as read (all its columns), kept so a rejected row is quarantined as it came. */
  public static final String INPUT_ROW = "input_row";

  private static final Map<String, DataType> LOGICAL_TYPES =
      Map.ofEntries(
          Map.entry("event_id", DataTypes.StringType),
          Map.entry("visitor_id", DataTypes.StringType),
          Map.entry("user_id", DataTypes.StringType),
          Map.entry("session_id", DataTypes.StringType),
          Map.entry("event_name", DataTypes.StringType),
          Map.entry("page_url", DataTypes.StringType),
          Map.entry("referrer_url", DataTypes.StringType),
          Map.entry("utm_source", DataTypes.StringType),
          Map.entry("utm_medium", DataTypes.StringType),
          Map.entry("utm_campaign", DataTypes.StringType),
          Map.entry("revenue", DataTypes.DoubleType),
          Map.entry("properties", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)));

  private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);

  private final SparkSession spark;
  private final InputSettings input;
  private final ZoneId zone;
  /** SPEC's required columns, and the tracker's session id where the sessions follow it. */
  private final List<String> required;

  public EventReader(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.input = settings.input();
    this.zone = settings.reportingTimezone();
    List<String> required = new ArrayList<>(JobSettings.REQUIRED_COLUMNS);
    if (settings.sessions().source() == JobSettings.SessionSource.INPUT) {
      // A missing id would only make every session the inactivity rule's (it was a warning).
      required.add(Columns.SESSION_ID);
    }
    this.required = List.copyOf(required);
  }

  /**
   * Checks that the input exists and, unless empty days are allowed, that the run's days have
   * their partitions: each run date's, and west of UTC the partition after the last date, which
   * holds that local day's end (a New York day ends at 04:00 or 05:00 UTC the next day). East of
   * UTC the partition before the first date is not required: input arrives in time order, so only
   * the newest partition can be late, and an earlier one missing is a quiet night or the history's
   * start. A Parquet partition of only zero-byte files or copies under way fails as a missing one
   * does, as does a file.
   */
  public void checkAvailable(LocalDate from, LocalDate to) {
    Path root = new Path(input.path());
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw new JobFailure("Cannot read events: input.path " + input.path() + " does not exist");
      }
      if (input.allowEmptyDays()) {
        return;
      }
      // A Delta input's log is read once for all the dates, not once a date.
      Dataset<Row> delta = input.format().equalsIgnoreCase("delta") ? deltaInput() : null;
      for (LocalDate date : from.datesUntil(to.plusDays(1)).toList()) {
        requirePartition(fs, root, delta, date, date, "");
      }
      LocalDate after = to.plusDays(1);
      if (after.atStartOfDay(zone).toInstant().isAfter(after.atStartOfDay(ZoneOffset.UTC).toInstant())) {
        requirePartition(fs, root, delta, after, to, "; it holds the end of " + to + " in " + zone);
      }
    } catch (IOException | IllegalArgumentException e) {
      // Hadoop refuses some URIs with an IllegalArgumentException (user info in an s3a:// path),
      // which named no key (a black-box test).
      throw new JobFailure("Cannot read events: input.path " + input.path() + " is not readable: " + ErrorMessages.reason(e), e);
    }
  }

  /** {@code delta}: the input as a Delta table, null for a directory layout. */
  private void requirePartition(FileSystem fs, Path root, Dataset<Row> delta, LocalDate partitionDate, LocalDate runDate,
      String why) throws IOException {
    String late = why + " (upstream late? set input.allow-empty-days = true for quiet days)";
    if (delta != null) {
      if (!hasFilesFor(delta, partitionDate)) {
        throw new JobFailure("Cannot run for " + runDate + ": input partition " + EVENT_DATE + "=" + partitionDate
            + " is not in the Delta table " + input.path() + late);
      }
      return;
    }
    Path partition = new Path(root, EVENT_DATE + "=" + partitionDate);
    FileStatus[] entries;
    try {
      // Listed, not only probed: no more requests to an object store, and it tells what the day holds.
      entries = fs.listStatus(partition);
    } catch (FileNotFoundException e) {
      // A root that cannot be listed hides its partitions too: say so rather than "upstream late",
      // which a scheduler retries (a black-box test, input.path with its permissions removed).
      fs.listStatus(root);
      throw new JobFailure("Cannot run for " + runDate + ": input partition " + partition + " does not exist" + late);
    }
    if (entries.length == 1 && entries[0].isFile() && entries[0].getPath().equals(fs.makeQualified(partition))) {
      // Listing a file gives the file. The read takes directories only, so the day was no day.
      throw new JobFailure("Cannot run for " + runDate + ": input partition " + partition + " is a file, not a directory"
          + why + " (remove or rename it)");
    }
    // An empty directory is a day upstream marked quiet. A Parquet file of no bytes is no writer's
    // quiet day (an empty Parquet file still has its footer), nor is a copy under way: a day of only
    // such files, in its subdirectories too (hour=08), is an upload cut short, whose rows would be
    // missing without a failure (until 2026-12-08 only a WARN).
    List<String> unfinished = new ArrayList<>();
    if (input.format().equalsIgnoreCase("parquet") && onlyUnfinishedFiles(fs, entries, "", unfinished)
        && !unfinished.isEmpty()) {
      String more = unfinished.size() == 1 ? "" : " and " + (unfinished.size() - 1) + " more";
      throw new JobFailure("Cannot run for " + runDate + ": input partition " + partition + " holds only zero-byte or"
          + " ._COPYING_ files (" + unfinished.get(0) + more + ")" + why + " (an upload cut short? deliver the day"
          + " again, or, if it had no events, delete those files)");
    }
  }

  /**
   * Whether {@code entries} and their subdirectories hold no file Spark reads as data: none, or
   * only files of no bytes and copies under way, which are added to {@code unfinished} by name
   * (below {@code prefix}, the path from the partition), in name order.
   */
  private static boolean onlyUnfinishedFiles(FileSystem fs, FileStatus[] entries, String prefix, List<String> unfinished)
      throws IOException {
    List<FileStatus> sorted = Arrays.stream(entries).sorted(Comparator.comparing(e -> e.getPath().getName())).toList();
    for (FileStatus entry : sorted) {
      String name = entry.getPath().getName();
      if (entry.isFile() && name.endsWith("._COPYING_")) {
        unfinished.add(prefix + name);
      } else if (InputSchema.skippedBySpark(name)) {
        continue;
      } else if (entry.isDirectory()) {
        if (!onlyUnfinishedFiles(fs, fs.listStatus(entry.getPath()), prefix + name + "/", unfinished)) {
          return false;
        }
      } else if (entry.getLen() > 0) {
        return false;
      } else {
        unfinished.add(prefix + name);
      }
    }
    return true;
  }

  private Dataset<Row> deltaInput() {
    Dataset<Row> table;
    try {
      table = spark.read().format("delta").load(input.path());
    } catch (Exception e) { // Spark's AnalysisException is checked
      throw new JobFailure("Cannot read events: input.path " + input.path() + " is not readable: "
          + ErrorMessages.reason(e), e);
    }
    return datedDelta(table);
  }

  /**
   * {@code table}, a Delta input, once its event_date is a date or text Spark reads as one. A text
   * partition of another form (GA4's 20260301) failed the run on the date filter's cast, in a line
   * naming neither the input nor the column, or blaming a conversion rule (a review). Found from
   * the log's partition values alone; one row is read only to quote a value.
   */
  private Dataset<Row> datedDelta(Dataset<Row> table) {
    if (!List.of(table.columns()).contains(EVENT_DATE)) {
      return table; // read() stops the run, naming the missing partition column
    }
    DataType type = table.schema().apply(EVENT_DATE).dataType();
    if (type instanceof DateType || type instanceof TimestampType || type instanceof TimestampNTZType) {
      return table;
    }
    if (!(type instanceof StringType)) {
      throw new JobFailure("Cannot read events: the Delta table " + input.path() + " has " + EVENT_DATE + " of type "
          + type.sql() + ": it must be a DATE, or text of the form YYYY-MM-DD");
    }
    Dataset<Row> undated = table.filter(col(EVENT_DATE).isNotNull().and(expr("try_cast(" + EVENT_DATE + " AS DATE)").isNull()));
    if (undated.inputFiles().length > 0) {
      String example = undated.select(col(EVENT_DATE)).limit(1).as(Encoders.STRING()).collectAsList().stream()
          .findFirst().map(v -> " ('" + v + "')").orElse("");
      throw new JobFailure("Cannot read events: the Delta table " + input.path() + " has " + EVENT_DATE
          + " values that are no date" + example + ": it must be a DATE, or text of the form YYYY-MM-DD");
    }
    return table;
  }

  /**
   * Whether the Delta table's version lists a file for the date. Its log decides, not its
   * directories: a day deleted to be rewritten keeps its directory (the files stay until VACUUM)
   * while the table has no row of it. Found from the log alone: no data file is opened.
   */
  private static boolean hasFilesFor(Dataset<Row> table, LocalDate date) {
    if (!List.of(table.columns()).contains(EVENT_DATE)) {
      return true; // read() stops the run, naming the missing partition column
    }
    return table.filter(col(EVENT_DATE).equalTo(java.sql.Date.valueOf(date))).inputFiles().length > 0;
  }

  /**
   * The failure of a job that read the events, said as the input's: Spark fails a file it cannot
   * read at the read's type only when a task reads it, so the run's line began with Spark's
   * "[FAILED_READ_FILE.PARQUET_COLUMN_DATA_TYPE_MISMATCH] Encountered error while reading file …"
   * and named no setting (a black-box test: input.schema giving text to a column that is INT96 in
   * one day's file and BIGINT in another's). Empty for any other failure, and for one already said.
   */
  public Optional<JobFailure> readFailure(Exception failure) {
    if (failure instanceof JobFailure) {
      return Optional.empty();
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.spark.SparkThrowable s && s.getCondition() != null
          && s.getCondition().startsWith("FAILED_READ_FILE") && isUnder(s.getMessageParameters().get("path"))) {
        String hint = s.getCondition().equals("FAILED_READ_FILE.PARQUET_COLUMN_DATA_TYPE_MISMATCH") && input.schema().isPresent()
            ? " (input.schema gives the column a type Spark cannot read that file's as; Spark reads no Parquet type as"
                + " another but a wider one of its kind, so a column whose type changes between files cannot be read as one)"
            : "";
        return Optional.of(new JobFailure("Cannot read events: input.path " + input.path() + ": "
            + ErrorMessages.reason(t) + hint, failure));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code file} lies under input.path: stage 1 also reads its own tables back (the
   * sessions it continues, the identities), whose unreadable file is not the input's.
   */
  private boolean isUnder(String file) {
    if (file == null) {
      return false;
    }
    try {
      Path root = new Path(input.path());
      java.net.URI in = root.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(root).toUri();
      // Spark gives the file's path URL-encoded (a space as %20): as a URI, not as a path to encode again.
      java.net.URI read = new Path(new java.net.URI(file)).toUri();
      return java.util.Objects.equals(in.getScheme(), read.getScheme())
          && java.util.Objects.equals(blankAsNull(in.getAuthority()), blankAsNull(read.getAuthority()))
          && (read.getPath() + "/").startsWith(in.getPath().replaceAll("/+$", "") + "/");
    } catch (IOException | IllegalArgumentException | java.net.URISyntaxException e) {
      return false;
    }
  }

  private static String blankAsNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The logical events of input partitions [first, last], plus {@code event_date} and the raw time. */
  public Dataset<Row> read(LocalDate first, LocalDate last) {
    Partitions partitions = partitionsIn(first, last);
    // Each day listed once, for whether there is a file, for the files of no bytes, for the schema.
    Map<String, List<FileStatus>> listed = partitions.dated() ? InputSchema.list(spark, partitions.inRange()) : Map.of();
    if (input.format().equalsIgnoreCase("parquet")) {
      InputSchema.warnOfZeroByteFiles(listed);
    }
    if (partitions.dated() && !InputSchema.anyDataFile(listed)) {
      // Quiet days (input.allow-empty-days) of a partitioned input: loaded from the root, the days
      // were read with the columns of one file of the history, and a mapping of a column renamed
      // since stopped the run, or a stray file at the root did (a review).
      LOG.info("input.path {} holds no file for {} to {}: no events", input.path(), first, last);
      return noEvents(spark).withColumn(INPUT_ROW, struct(col(EVENT_DATE)));
    }
    Dataset<Row> raw;
    try {
      raw = loadPartitions(listed).orElseGet(() -> reader().load(input.path()));
      if (input.format().equalsIgnoreCase("delta")) {
        raw = datedDelta(raw);
        warnOfUndatedRows(raw);
      }
    } catch (JobFailure e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException is checked
      if (ErrorMessages.firstLine(e.getMessage()).startsWith("[UNABLE_TO_INFER_SCHEMA]")) {
        // No file under input.path at all, only empty partitions (days upstream marked quiet, the
        // first of a new input): no events, rather than a failed run (a black-box test).
        LOG.info("input.path {} holds no file: no events for {} to {}", input.path(), first, last);
        return noEvents(spark).withColumn(INPUT_ROW, struct(col(EVENT_DATE)));
      }
      throw new JobFailure("Cannot read events: input.path " + input.path() + " is not readable: "
          + ErrorMessages.reason(e), e);
    }
    if (!List.of(raw.columns()).contains(EVENT_DATE)) {
      throw new JobFailure("Cannot read events: input.path " + input.path() + " is not partitioned by " + EVENT_DATE);
    }
    if (List.of(raw.columns()).equals(List.of(EVENT_DATE))) {
      // Files without a record (a quiet day's JSON, which Spark writes as an empty file) give no
      // column to infer: no events, as an input of empty directories (a black-box test).
      LOG.info("input.path {} holds no record from which to read columns: no events for {} to {}", input.path(),
          first, last);
      return noEvents(spark).withColumn(INPUT_ROW, struct(col(EVENT_DATE)));
    }
    Dataset<Row> days =
        raw.filter(col(EVENT_DATE).between(java.sql.Date.valueOf(first), java.sql.Date.valueOf(last)));
    return mapColumns(days);
  }

  /**
   * The events of {@code partitions}, the input's {@code event_date=} directories in the range,
   * found by one listing of the root's names. Loading the root lists every file of the history
   * before pruning, on each daily run (beyond 32 partitions as a Spark job of its own). Empty when
   * there is no such directory (a Delta table, whose log names the files, or no event_date=
   * directory at the root) or Spark finds no file to infer from: the root is then loaded and
   * filtered. A file whose schema cannot be read stops the run here, named.
   */
  private Optional<Dataset<Row>> loadPartitions(Map<String, List<FileStatus>> partitions) {
    if (partitions.isEmpty()) {
      return Optional.empty();
    }
    String[] paths = partitions.keySet().toArray(String[]::new);
    try {
      if (input.schema().isPresent()) {
        return Optional.of(reader().option("basePath", input.path()).load(paths));
      }
      // The files' own columns first (each directory its own root: no partition column), then the
      // partitions read with them as the schema, so nothing is inferred twice. A file column named
      // event_date (a GA4 export's own YYYYMMDD text) is left to the directory's date, which Spark
      // would pick too, but only after a COLUMN_ALREADY_EXISTS warning on every run.
      InputSchema.FileColumns columns = InputSchema.merges(input.format())
          ? InputSchema.of(spark, input.format(), partitions, input.schemaFiles(), Set.copyOf(namedRequiredColumns().values()))
          : new InputSchema.FileColumns(reader().load(paths).schema(), List.of(), List.of());
      failOnRequiredColumnsADayLacks(columns);
      StructType files = readable(columns);
      List<StructField> fields = new ArrayList<>();
      for (StructField field : files.fields()) {
        if (!field.name().equalsIgnoreCase(EVENT_DATE)) {
          fields.add(field);
        }
      }
      fields.add(DataTypes.createStructField(EVENT_DATE, DataTypes.DateType, true));
      return Optional.of(UuidText.of(
          reader().schema(DataTypes.createStructType(fields)).option("basePath", input.path()).load(paths), columns.uuids()));
    } catch (JobFailure e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException is checked
      if (ErrorMessages.firstLine(e.getMessage()).startsWith("[UNABLE_TO_INFER_SCHEMA]")) {
        return Optional.empty(); // only empty directories: left to the root's listing, as documented above
      }
      // A file that cannot be read (not Parquet, truncated) is named with its cause here: the
      // root's listing would fail on whatever file it met first, a stray one beside the partitions.
      throw new JobFailure("Cannot read events: input.path " + input.path() + " is not readable: "
          + ErrorMessages.reason(e), e);
    }
  }

  /**
   * The files' columns without those whose types conflict between files where no mapping reads
   * them. Every column goes into the raw row that quarantine keeps, so a column nothing here uses
   * (a tracker's debug field turned from BIGINT to DOUBLE upstream) stopped every run that read
   * both types (a review). Such a column is left out of the read, and so of quarantine.raw, with a
   * warning; one that a mapping reads still stops the run, naming the column, two files and the
   * mapping. A mapping reads it when it reads the column or a struct holding it ({@code
   * to_json(ctx)} reads ctx.build; {@code ctx.page} does not).
   */
  private StructType readable(InputSchema.FileColumns columns) {
    if (columns.conflicts().isEmpty()) {
      return columns.schema();
    }
    Dataset<Row> first = spark.createDataFrame(List.of(), columns.schema());
    boolean caseSensitive = spark.sessionState().conf().caseSensitiveAnalysis();
    List<String> readByMappings = new ArrayList<>(); // all of them at once: fixing one should not reveal the next
    List<InputSchema.Conflict> unread = new ArrayList<>();
    for (InputSchema.Conflict conflict : columns.conflicts()) {
      if (conflict.path().get(0).equalsIgnoreCase(EVENT_DATE)) {
        continue; // a file's own event_date is never read: the directory's date is
      }
      Dataset<Row> second = spark.createDataFrame(List.of(), columns.withOtherType(conflict));
      input.columns().entrySet().stream()
          .filter(mapping -> mapping.getValue().isPresent() && pathsRead(first, second, mapping.getValue().get())
              .stream().anyMatch(path -> onePrefixOfTheOther(path, conflict.path(), caseSensitive)))
          .findFirst()
          .ifPresentOrElse(mapping -> readByMappings.add(conflict.message() + "; input.columns." + mapping.getKey() + " = '"
              + mapping.getValue().get() + "' reads it"), () -> unread.add(conflict));
    }
    if (!readByMappings.isEmpty()) {
      throw new JobFailure("Cannot read events: " + String.join("; ", readByMappings));
    }
    for (InputSchema.Conflict conflict : unread) {
      LOG.warn("Events read without {}: {}; no input.columns mapping reads it, so it is also left out of quarantine.raw",
          conflict.column(), conflict.message());
    }
    return columns.withoutConflicts();
  }

  /**
   * What a mapping reads under either of a conflict's types: {@code context.campaign.source}
   * resolves only where context is a struct, and, judged by the other type alone, was taken for
   * reading nothing of it, so that context was left out and the mapping's column was null on every
   * day (a review). Where it resolves under neither, the paths as written.
   */
  private Set<List<String>> pathsRead(Dataset<Row> first, Dataset<Row> second, String mapping) {
    Set<List<String>> paths = new LinkedHashSet<>(ReferencedColumns.paths(first, mapping));
    paths.addAll(ReferencedColumns.paths(second, mapping));
    return paths.isEmpty() ? ReferencedColumns.writtenPaths(spark, mapping) : paths;
  }

  private static boolean onePrefixOfTheOther(List<String> a, List<String> b, boolean caseSensitive) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (caseSensitive ? !a.get(i).equals(b.get(i)) : !a.get(i).equalsIgnoreCase(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The input's format, and its schema when config gives one. */
  private DataFrameReader reader() {
    DataFrameReader reader = spark.read().format(input.format());
    input.schema().ifPresent(schema -> reader.schema(withCorruptRecord(schema)));
    return reader;
  }

  /**
   * {@code schema} with the column where Spark keeps a JSON line it cannot parse, the text
   * whole, which then reaches quarantine.raw (EventValidator's {@code malformed_record}). Without it,
   * a given schema made such a line a row of nulls: quarantined as missing_event_id, its text lost
   * (a review). Inferred from the files, Spark adds the column itself where it met such a line.
   */
  private StructType withCorruptRecord(String schema) {
    StructType fields = StructType.fromDDL(schema);
    String corrupt = corruptRecordColumn(spark);
    boolean json = input.format().equalsIgnoreCase("json");
    return !json || List.of(fields.fieldNames()).contains(corrupt) ? fields : fields.add(corrupt, DataTypes.StringType);
  }

  /** The name of the column where Spark's JSON reader keeps a line it cannot parse. */
  public static String corruptRecordColumn(SparkSession spark) {
    return spark.conf().get("spark.sql.columnNameOfCorruptRecord", "_corrupt_record");
  }

  /** The directory Hive and Spark write the rows of a null partition value to. */
  private static final String HIVE_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  /**
   * A Delta input's rows with no event_date are in no run's dates, so no run reads or quarantines
   * them: said on every run, as a directory input's {@value #HIVE_NULL_PARTITION} is (they were
   * passed over without a word, a review). Found from the log (partition values, or the null
   * counts of the files' statistics) without reading a row; a file with no statistics counts.
   */
  private void warnOfUndatedRows(Dataset<Row> table) {
    if (!List.of(table.columns()).contains(EVENT_DATE)) {
      return; // read() stops the run, naming the missing partition column
    }
    int files = table.filter(col(EVENT_DATE).isNull()).inputFiles().length;
    if (files > 0) {
      LOG.warn("the Delta table {} has {} file(s) that may hold rows with no event_date: no run reads such rows",
          input.path(), files);
    }
  }

  private Partitions partitionsIn(LocalDate first, LocalDate last) {
    if (input.format().equalsIgnoreCase("delta")) {
      return new Partitions(List.of(), false);
    }
    Path root = new Path(input.path());
    List<String> partitions = new ArrayList<>();
    boolean dated = false;
    LocalDate ahead = null;
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (FileStatus child : fs.listStatus(root)) {
        String name = child.getPath().getName();
        if (!child.isDirectory() || !name.startsWith(EVENT_DATE + "=")) {
          continue;
        }
        dated = true;
        String value = name.substring(EVENT_DATE.length() + 1);
        if (value.equals(HIVE_NULL_PARTITION)) {
          // Rows written with a null date: no run's dates include them, so no run reads or
          // quarantines them. Said on every run, so that they are not lost without a word.
          LOG.warn("input.path {} has a directory {}: its rows have no event_date, and no run reads them",
              input.path(), name);
          continue;
        }
        LocalDate date;
        try {
          date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
          // Loaded from the root instead, Spark typed the partition column as text and the run
          // failed on the date filter's cast, blaming a conversion rule (a black-box test).
          throw new JobFailure("Cannot read events: input.path " + input.path() + " has a partition directory "
              + name + " whose date is not YYYY-MM-DD (" + child.getPath() + ")");
        }
        if (!date.isBefore(first) && !date.isAfter(last)) {
          partitions.add(child.getPath().toString());
        }
        if (date.isAfter(LocalDate.now(ZoneOffset.UTC).plusDays(1)) && (ahead == null || date.isBefore(ahead))) {
          ahead = date;
        }
      }
    } catch (IOException e) {
      return new Partitions(List.of(), false);
    }
    if (ahead != null) {
      // Dated after tomorrow (UTC) by this machine's clock: an upstream that dates by a device's
      // clock, say. Their rows wait for a run of their date, which may never come; said, as rows
      // of no date are (a review). Only a warning: which rows a run reads never depends on the clock.
      LOG.warn("input.path {} has partition directories dated after tomorrow, the first event_date={}:"
          + " no run reads them before their date", input.path(), ahead);
    }
    return new Partitions(partitions, dated);
  }

  /**
   * The input's event_date= directories in the range, and whether it has any such directory at all
   * (when not, the root is loaded: a Delta table, or a layout Spark's own discovery reads).
   */
  private record Partitions(List<String> inRange, boolean dated) {}

  /**
   * No events, with the columns {@link #mapColumns} gives rules to read: event_date and the logical
   * columns as their types (what {@code check-config} resolves the rules against, without input).
   */
  public static Dataset<Row> noEvents(SparkSession spark) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(EVENT_DATE, DataTypes.DateType, true));
    for (String logical : JobSettings.LOGICAL_COLUMNS) {
      DataType type = logical.equals(EVENT_TIME) ? DataTypes.TimestampType : LOGICAL_TYPES.get(logical);
      fields.add(DataTypes.createStructField(logical, type, true));
    }
    return spark.createDataFrame(List.of(), DataTypes.createStructType(fields));
  }

  /** Maps an input Dataset (with {@code event_date}) to the logical columns. */
  public Dataset<Row> mapColumns(Dataset<Row> raw) {
    failOnMissingRequiredColumns(raw.schema());
    List<Column> columns = new ArrayList<>();
    columns.add(col(EVENT_DATE).cast(DataTypes.DateType).as(EVENT_DATE));
    for (String logical : JobSettings.LOGICAL_COLUMNS) {
      Optional<String> mapping = input.columns().get(logical);
      if (logical.equals(EVENT_TIME)) {
        Column rawTime = resolve(raw, logical, mapping.orElseThrow());
        DataType type = raw.select(rawTime).schema().fields()[0].dataType();
        if (!canBeTime(type)) {
          // Cast to text, a struct or an array is no instant on any row: every event would be
          // quarantined as unparseable and the run's dates rewritten empty.
          throw new JobFailure("Cannot read events: input.columns." + EVENT_TIME + " = '" + mapping.get() + "' is "
              + type.sql() + " in " + input.path() + ", which cannot be an event time (map it to a timestamp, "
              + "epoch seconds, millis, micros or nanos, or ISO-8601 text)");
        }
        columns.add(normaliseTime(rawTime, type).as(EVENT_TIME));
        if (!isInstant(type)) {
          // Only a text or a number can be blank or unparseable, or name one instant in two ways.
          columns.add(rawTime.cast(DataTypes.StringType).as(EVENT_TIME_RAW));
        }
        continue;
      }
      DataType type = LOGICAL_TYPES.get(logical);
      if (mapping.isEmpty()) {
        columns.add(lit(null).cast(type).as(logical));
        continue;
      }
      if (!required.contains(logical) && (ReferencedColumns.isColumnName(mapping.get())
          && !hasColumn(raw.schema(), mapping.get()) || isAbsentField(raw.schema(), mapping.get()))) {
        // An optional column the input simply does not have (the default mapping) is null. A
        // mapping of one's own stays a warning, not an error: an input whose schema is inferred
        // per day (json) lacks a field on days no event has it, and a struct's field can be
        // missing from days of parquet too (GA4's collected_traffic_source before mid-2023,
        // Segment's context.campaign), which stopped the run (a review).
        if (!mapping.get().equalsIgnoreCase(logical)) {
          LOG.warn("input.columns.{} = '{}' names no column of {}: {} is null on these events", logical,
              mapping.get(), input.path(), logical);
        }
        columns.add(lit(null).cast(type).as(logical));
        continue;
      }
      Column value = resolve(raw, logical, mapping.get());
      columns.add(asLogicalType(raw, logical, mapping.get(), value, type).as(logical));
    }
    columns.add(struct(java.util.Arrays.stream(raw.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new)).as(INPUT_ROW));
    return raw.select(columns.toArray(Column[]::new));
  }

  /**
   * The mapped value as its logical type. try_cast: a malformed optional value (say revenue "n/a")
   * becomes null instead of failing the run. Trackers carry properties as a struct or as JSON text
   * as often as a map, so those become the map through JSON (a nested value as its JSON text, text
   * that is not a JSON object as null). A type that cannot become the logical one fails naming the key.
   */
  private Column asLogicalType(Dataset<Row> raw, String logical, String mapping, Column value, DataType type) {
    DataType from = raw.select(value).schema().fields()[0].dataType();
    Column typed;
    if (type instanceof MapType && from instanceof StructType) {
      typed = from_json(to_json(value), type, Map.of());
    } else if (type instanceof MapType && from.equals(DataTypes.StringType)) {
      typed = from_json(value, type, Map.of());
    } else if (from.equals(DataTypes.BinaryType) && BYTE_IDS.contains(logical)) {
      // Bytes that are no UTF-8 text (DuckDB's BLOB, pyarrow's bytes) became U+FFFD in the tables,
      // so two devices' ids were one text there (a black-box test); UTF-8 text stored without its
      // annotation (older Hive and Impala writers) stays the text it was read as before. Text that
      // itself starts with 0x is written as hex too, so no two byte strings give one id.
      Column text = value.cast(DataTypes.StringType);
      typed = when(is_valid_utf8(value).and(not(text.startsWith("0x"))), text).otherwise(concat(lit("0x"), lower(hex(value))));
    } else {
      typed = value.try_cast(type);
    }
    try {
      raw.select(typed).schema();
    } catch (Exception e) { // Spark's AnalysisException is checked
      throw new JobFailure("Cannot read events: input.columns." + logical + " = '" + mapping + "' is "
          + from.sql() + " in " + input.path() + ", which cannot become " + type.sql()
          + " (map it with an expression that gives " + type.sql() + ")", e);
    }
    return typed;
  }

  /**
   * A required column that every file of a day read lacks, while files of other days have it:
   * read as null, it sent every event of the day to quarantine and the run succeeded (a black-box
   * test, a day of DuckDB files without the event name). Only a mapping that names a column is
   * checked; an expression may read either of two names on purpose (coalesce(event_name, ev) across
   * a rename). Which day lacks a column is known where the ends of each Parquet day were read, the
   * default ({@link InputSchema#of}); a file without rows lacks nothing that matters.
   */
  private void failOnRequiredColumnsADayLacks(InputSchema.FileColumns columns) {
    boolean caseSensitive = spark.sessionState().conf().caseSensitiveAnalysis();
    List<String> missing = new ArrayList<>();
    namedRequiredColumns().forEach((logical, mapping) -> columns.dayWithout(mapping, caseSensitive).ifPresent(day ->
        missing.add(requiredColumn(logical, mapping) + " is missing from every file of " + day)));
    if (!missing.isEmpty()) {
      throw new JobFailure("Cannot read events: required column " + String.join("; required column ", missing)
          + ", though files of other days read have " + (missing.size() == 1 ? "it" : "them")
          + " (if upstream renamed a column, map an expression that reads either name, such as coalesce(new_name, old_name))");
    }
  }

  /** All of them in one message: an input in another layout usually lacks several, not one. */
  private void failOnMissingRequiredColumns(StructType schema) {
    List<String> missing = new ArrayList<>();
    namedRequiredColumns().forEach((logical, mapping) -> {
      if (!hasColumn(schema, mapping)) {
        missing.add(requiredColumn(logical, mapping));
      }
    });
    if (!missing.isEmpty()) {
      throw new JobFailure("Cannot read events: required column" + (missing.size() == 1 ? " " : "s ")
          + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " missing from " + input.path());
    }
  }

  /** A required column as the messages name it, with why it is required where SPEC does not say so. */
  private static String requiredColumn(String logical, String mapping) {
    return logical + " (input.columns." + logical + " = " + mapping
        + (JobSettings.REQUIRED_COLUMNS.contains(logical) ? "" : ", which sessions.source = input follows") + ")";
  }

  /** The required logical columns whose mapping is a column's name, in their order, with that name. */
  private Map<String, String> namedRequiredColumns() {
    Map<String, String> named = new LinkedHashMap<>();
    for (String logical : required) {
      String mapping = input.columns().get(logical).orElseThrow();
      if (ReferencedColumns.isColumnName(mapping)) {
        named.put(logical, mapping);
      }
    }
    return named;
  }

  private Column resolve(Dataset<Row> raw, String logical, String mapping) {
    if (ReferencedColumns.isColumnName(mapping) && !hasColumn(raw.schema(), mapping)) {
      return lit(null); // optional: a missing required one failed in failOnMissingRequiredColumns
    }
    Column column = expr(mapping);
    try {
      raw.select(column).schema();
    } catch (Exception e) { // Spark's AnalysisException is checked
      throw new JobFailure(
          "Cannot read events: input.columns." + logical + " = '" + mapping + "' does not resolve against "
              + input.path() + ": " + ErrorMessages.reason(e), e);
    }
    if (IDENTIFYING.contains(logical) && ReferencedColumns.of(raw, List.of(mapping)).isEmpty()) {
      // A constant id or time makes every event one and the same: a quoted --set value is the usual cause.
      throw new JobFailure("Cannot read events: input.columns." + logical + " = '" + mapping
          + "' reads no column of " + input.path() + ", so every event would have the same " + logical
          + " (--set takes the expression unquoted)");
    }
    return column;
  }

  /** The ids a BINARY column maps to as its text, or, where that is no UTF-8 or starts with 0x, as 0x and hex digits. */
  private static final Set<String> BYTE_IDS = Set.of(Columns.EVENT_ID, Columns.VISITOR_ID, Columns.USER_ID, Columns.SESSION_ID);

  /** The logical columns that tell events apart: none of them can be a constant. */
  private static final Set<String> IDENTIFYING = Set.of(Columns.EVENT_ID, EVENT_TIME, Columns.VISITOR_ID);

  /**
   * A timestamp column maps to event_time one to one: a null is a missing time, and the raw text
   * (formatting every row's instant) would add nothing to the checks or the sort.
   */
  static boolean isInstant(DataType type) {
    return type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType);
  }

  /** The types {@link #normaliseTime} reads an instant from. */
  static boolean canBeTime(DataType type) {
    return isInstant(type) || type instanceof NumericType
        || type instanceof StringType || type instanceof VarcharType || type instanceof CharType
        || type.equals(DataTypes.DateType);
  }

  /** UTC timestamp from whatever type the time column has. */
  static Column normaliseTime(Column raw, DataType type) {
    if (type.equals(DataTypes.TimestampType)) {
      return raw;
    }
    if (type.equals(DataTypes.TimestampNTZType)) {
      // A wall-clock time without zone is taken as UTC (the session time zone is UTC).
      return raw.cast(DataTypes.TimestampType);
    }
    if (type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType)
        || type.equals(DataTypes.ByteType) || type instanceof DecimalType d && d.scale() == 0) {
      // try_cast: a whole decimal beyond a long is one row's unparseable time, not a failed run.
      return fromEpoch(raw.try_cast(DataTypes.LongType));
    }
    if (type instanceof NumericType) {
      // A fraction, by magnitude as a whole number is: pandas writes an int column with a null in it
      // as float64, and epoch millis there were read as seconds, every row a future time (a review).
      return fromEpochFraction(raw.cast(DataTypes.DoubleType));
    }
    // Epoch numbers written as text (JSON and CSV exports do) are numbers too; 9 digits or more,
    // so that a short digit string keeps Spark's reading of it (a year: "2026"). Up to 19, epoch
    // nanos; try_cast, since 19 digits can exceed a long.
    Column text = raw.cast(DataTypes.StringType);
    return when(trim(text).rlike("^-?[0-9]{9,19}$"), fromEpoch(trim(text).try_cast(DataTypes.LongType)))
        .when(trim(text).rlike("^-?[0-9]{9,19}\\.[0-9]*$"), fromEpochFraction(trim(text).try_cast(DataTypes.DoubleType)))
        .otherwise(withoutBracketedRegion(isoSpelledAsSparkReadsIt(trim(text))).try_cast(DataTypes.TimestampType));
  }

  /** Text that starts with a date: year, month, day (Spark's own leading form). */
  private static final String DATE = "^([+-]?[0-9]{4,}-[0-9]{1,2}-[0-9]{1,2})";

  /**
   * ISO-8601 forms Spark's cast leaves null: a zone after a time without seconds (10:00Z,
   * 10:00+02:00, 10Z; without a zone Spark reads them), lower-case t and z (RFC 3339 allows
   * them), and a comma before the fraction. A black-box test found such times quarantined as
   * unparseable_event_time.
   */
  private static Column isoSpelledAsSparkReadsIt(Column text) {
    Column upper = regexp_replace(regexp_replace(text, DATE + "t", "$1T"), "([0-9])z(\\[|$)", "$1Z$2");
    Column comma = regexp_replace(upper, DATE + "([T ][0-9]{1,2}:[0-9]{2}:[0-9]{2}),([0-9])", "$1$2.$3");
    // Not before a '.' or ',': 10:30.5 is no ISO time (a fraction of the minute), and stays unparseable
    // rather than become 10:30:00.5.
    Column minutes = regexp_replace(comma, DATE + "([T ][0-9]{1,2})(?=[^:.,0-9]|$)", "$1$2:00");
    return regexp_replace(minutes, DATE + "([T ][0-9]{1,2}:[0-9]{1,2})(?=[^:.,0-9]|$)", "$1$2:00");
  }

  /**
   * Java's ZonedDateTime text ("...+02:00[Europe/Paris]") to a form Spark reads: the offset alone
   * when there is one (it settles the hour a clock change repeats), else the region as a zone id.
   */
  private static Column withoutBracketedRegion(Column text) {
    Column offsetKept = regexp_replace(text, "(Z|[+-][0-9]{2}(:?[0-9]{2})?)\\[[^\\]]*\\]$", "$1");
    return regexp_replace(offsetKept, "\\[([^\\]]+)\\]$", " $1");
  }

  /**
   * Seconds, millis, micros and nanos since 1970 differ by 10^3: told apart by magnitude for any
   * date between 1973 and 5138 (nanos: up to 2262, where a long ends). Nanos are truncated to
   * micros, Spark's precision, by exact decimal division.
   */
  private static Column fromEpoch(Column n) {
    return when(n.isNull(), lit(null).cast(DataTypes.TimestampType))
        .when(beyond(n, NANOS_BEYOND),
            timestamp_micros(n.cast(DataTypes.createDecimalType(20, 0)).divide(lit(1000)).cast(DataTypes.LongType)))
        .when(beyond(n, MICROS_BEYOND), timestamp_micros(n))
        .when(beyond(n, MILLIS_BEYOND), timestamp_millis(n))
        .otherwise(timestamp_seconds(n));
  }

  /** Magnitudes above which an epoch number is nanos, micros or millis (below: seconds), for both readings. */
  private static final long NANOS_BEYOND = 100_000_000_000_000_000L;
  private static final long MICROS_BEYOND = 100_000_000_000_000L;
  private static final long MILLIS_BEYOND = 100_000_000_000L;

  /**
   * |n| > limit without abs(), which raises under ANSI on the least long: pandas' NaT as an int64,
   * a common sentinel, stopped the run instead of being one row's bad time (a review).
   */
  private static Column beyond(Column n, long limit) {
    return n.gt(limit).or(n.lt(-limit));
  }

  /**
   * As {@link #fromEpoch}, for a number with a fraction, rounded to the microsecond. One beyond
   * any instant, NaN or an infinity has no time (unparseable): saturated at the ends of a long
   * before, it stopped the run where a zone's date was computed from it.
   */
  private static Column fromEpochFraction(Column d) {
    Column micros = when(beyond(d, NANOS_BEYOND), d.divide(1000))
        .when(beyond(d, MICROS_BEYOND), d)
        .when(beyond(d, MILLIS_BEYOND), d.multiply(1000))
        .otherwise(d.multiply(1_000_000));
    // Within a long with room to spare: try_cast takes 2^63 (Long.MAX_VALUE as a double) for a long.
    Column rounded = rint(micros);
    return timestamp_micros(when(rounded.between(-9.2e18, 9.2e18), rounded.try_cast(DataTypes.LongType)));
  }

  /**
   * Whether {@code mapping} is a path of fields ({@code context.campaign.source}) that stops at a
   * struct without the next field. Through an array or a map the path is Spark's to resolve.
   */
  static boolean isAbsentField(StructType schema, String mapping) {
    if (!mapping.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+")) {
      return false;
    }
    DataType type = schema;
    for (String part : mapping.split("\\.")) {
      if (!(type instanceof StructType struct)) {
        return false;
      }
      Optional<StructField> field = java.util.Arrays.stream(struct.fields())
          .filter(f -> f.name().equalsIgnoreCase(part)).findFirst();
      if (field.isEmpty()) {
        return true;
      }
      type = field.get().dataType();
    }
    return false;
  }

  private static boolean hasColumn(StructType schema, String name) {
    for (String field : schema.fieldNames()) {
      if (field.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
