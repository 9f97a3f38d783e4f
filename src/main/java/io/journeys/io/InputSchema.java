package io.journeys.io;

import io.journeys.config.JobSettings.SchemaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.Footer;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat$;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columns of an input's files over the partitions a run reads: every column any file has.
 * Spark takes a Parquet input's schema from one file unless told to merge, so when upstream added
 * a column (campaign fields, say) the column was read from no file of a range that began before
 * the change: its values silently became nulls (a Paid Search visit counted as Direct, found by
 * hand on two DuckDB partitions). Files that disagree on a column's type are read at a type Spark
 * can read all of them as (INT and DOUBLE as DOUBLE). Types no type reads both as are a {@link
 * Conflict}, naming the column and two files (or, for ORC with {@code input.schema-files = all},
 * two days) that disagree, a Parquet file without rows aside where its atomic types differ: the
 * caller stops the run if a mapping reads the column, and otherwise reads the events without it
 * ({@link FileColumns#withoutConflicts}).
 */
final class InputSchema {
  private static final Logger LOG = LoggerFactory.getLogger(InputSchema.class);

  private InputSchema() {}

  /** Formats whose readers take Spark's {@code mergeSchema} option. */
  static boolean merges(String format) {
    String f = format.toLowerCase(Locale.ROOT);
    return f.equals("parquet") || f.equals("orc");
  }

  /**
   * The union of the columns of {@code which} files of each partition in {@code listed} (a
   * directory with its files, {@link #list}), found by Spark's own merge; when Spark cannot merge two types, by merging one
   * source at a time with {@link #union}.
   *
   * <p>{@code ENDS}: the oldest and the newest file of each partition. Files written before a
   * change of upstream's schema are older than those written after it, also within one day, so the
   * two ends of each day show every schema a day holds unless it changed twice that day or its
   * files were copied (their times are then the copy's). These are 14 files for 7 days, where the
   * benchmark's 7 days have 3,407: every footer took 1.6-1.8 s more in a fresh JVM (local disk, 2
   * cores), and is an S3 request or more per file.
   *
   * <p>{@code ALL}: every file, its footer read by Spark's merge, a Spark job over the files.
   *
   * <p>The ends of Parquet days are read on the driver, a few threads at a time, as Spark's merge
   * reads them in its tasks: where two files' types differ, that merge's failed task logged an ERROR
   * and a WARN with stack traces on every run that then read them at the wider type (the same time
   * either way, on the benchmark's 7 days).
   *
   * <p>{@code checked}: columns to look for, on the ends of Parquet days only, in a day whose files
   * with rows all lack them ({@link FileColumns#dayWithout}).
   */
  static FileColumns of(SparkSession spark, String format, Map<String, List<FileStatus>> listed, SchemaFiles which,
      Set<String> checked) {
    List<String> days = listed.keySet().stream().sorted().toList();
    List<String> partitions = List.copyOf(listed.keySet());
    boolean parquet = format.equalsIgnoreCase("parquet");
    boolean zeroByte = !zeroByteFiles(listed).isEmpty();
    List<FileStatus> ends = which == SchemaFiles.ALL ? List.of() : oldestAndNewest(days, listed);
    // Names compare as the session's analysis will: with spark.sql.caseSensitive, event_name and
    // EVENT_NAME are two columns (a black-box test: the second of them was dropped here).
    boolean caseSensitive = spark.sessionState().conf().caseSensitiveAnalysis();
    if (!ends.isEmpty() && format.equalsIgnoreCase("parquet")) {
      FileColumns read = parquetFooters(spark, ends, caseSensitive, checked);
      if (read.schema().fields().length > 0) {
        return read;
      } // every end a corrupt file that spark.sql.files.ignoreCorruptFiles skips: Spark's merge decides
    }
    if (which == SchemaFiles.ALL && parquet && zeroByte) {
      // Spark's merge fails a task on a file of no bytes (an ERROR logged on every run)
      return everyFooter(spark, listed, caseSensitive);
    }
    List<String> sources = which == SchemaFiles.ALL ? days : ends.stream().map(f -> f.getPath().toString()).toList();
    DataFrameReader merging = spark.read().format(format).option("mergeSchema", "true");
    if (sources.isEmpty()) {
      return new FileColumns(merging.load(partitions.toArray(String[]::new)).schema(), List.of(), List.of()); // Spark's own error for no files
    }
    try {
      return new FileColumns(merging.load(sources.toArray(String[]::new)).schema(), List.of(), List.of());
    } catch (Exception e) { // SparkException is checked, though Scala does not declare it
      if (isRefusedParquetType(e) && format.equalsIgnoreCase("parquet")) {
        // Spark's merge refuses a UUID or TIME column; the driver reads every footer as it reads the ends.
        return everyFooter(spark, listed, caseSensitive);
      }
      if (!isTypeConflict(e)) {
        throw e;
      }
    }
    NamedUnion merged = new NamedUnion(caseSensitive);
    try {
      for (String source : sources) {
        schemas(spark, merging, source).forEach(merged::add);
      }
    } catch (Exception e) { // Spark's AnalysisException is checked
      if (!isRefusedParquetType(e) || !format.equalsIgnoreCase("parquet")) {
        throw e;
      } // Spark's merge met a type conflict first, and then a UUID or TIME column in a day's files
      return everyFooter(spark, listed, caseSensitive);
    }
    if (!merged.conflicts.isEmpty() && format.equalsIgnoreCase("parquet")) {
      return everyFooter(spark, listed, caseSensitive); // whose files without rows yield their types
    }
    return merged.columns();
  }

  /**
   * The footers of every data file of the days, read on the driver: Spark's merge refused a type in
   * them, or the days' types conflict, maybe only through a file without rows, which it cannot tell.
   */
  private static FileColumns everyFooter(SparkSession spark, Map<String, List<FileStatus>> listed, boolean caseSensitive) {
    return parquetFooters(spark, listed.keySet().stream().sorted().flatMap(day -> listed.get(day).stream())
        .filter(f -> f.getLen() > 0).toList(), caseSensitive, Set.of());
  }

  /**
   * The union of the files' footers, each read as Spark's merge reads it (Spark's own schema kept
   * in the footer, else the Parquet types converted under the session's settings). With the ends
   * of each day as {@code files}, also a day whose files with rows all lack a {@code checked} column
   * of the union: only on this, the default path, so that whether such a day stops a run does not
   * hang on another column's types sending the read down another path (a review).
   */
  private static FileColumns parquetFooters(SparkSession spark, List<FileStatus> files, boolean caseSensitive,
      Set<String> checked) {
    SQLConf conf = spark.sessionState().conf();
    Configuration hadoopConf = spark.sessionState().newHadoopConf();
    Seq<Footer> footers = ParquetFileFormat$.MODULE$.readParquetFootersInParallel(
        hadoopConf, CollectionConverters.asScala(files).toSeq(), conf.ignoreCorruptFiles());
    ParquetToSparkSchemaConverter converter = new ParquetToSparkSchemaConverter(conf);
    List<Footer> read = CollectionConverters.asJava(footers);
    Map<Path, Boolean> hasRows = new HashMap<>();
    NamedUnion merged = union(read, converter, caseSensitive, null);
    if (!merged.conflicts.isEmpty() && vectorizedReads(spark)) {
      // A file without rows (a writer that took an empty frame's schema, all text) cannot disagree
      // with the rows of another, yet stopped the run (a black-box test): merged after the files
      // with rows, its types yield, and Spark's vectorized reader reads it at theirs, finding no
      // row group to convert. (Its other reader builds each column's converter on opening a file,
      // rows or none, and fails it: with that one the conflict is named, as before.) Spark read the
      // footers without their row groups: only on a conflict are they read again.
      Set<Path> empty = withoutRows(read, hadoopConf);
      read.forEach(footer -> hasRows.put(footer.getFile(), !empty.contains(footer.getFile())));
      if (!empty.isEmpty()) {
        merged = union(read, converter, caseSensitive, empty);
      }
    }
    Map<String, Map<Path, Set<String>>> days = new LinkedHashMap<>(); // by day: its files and their columns
    for (Footer footer : read) {
      Set<String> names = new HashSet<>();
      for (String name : merged.fileColumns.get(footer.getFile()).fieldNames()) {
        names.add(key(name, caseSensitive));
      }
      days.computeIfAbsent(dayOf(footer.getFile()), d -> new LinkedHashMap<>()).put(footer.getFile(), names);
    }
    merged.stored.values().forEach(leaf ->
        LOG.info("Events read with the Parquet column {} as the value it stores: Spark reads no such type", leaf));
    FileColumns columns = merged.columns();
    Map<String, String> dayWithout = new HashMap<>();
    for (String name : columns.schema().fieldNames()) {
      String column = key(name, caseSensitive);
      if (checked.stream().noneMatch(c -> key(c, caseSensitive).equals(column))) {
        continue;
      }
      days.entrySet().stream()
          .filter(day -> day.getValue().values().stream().noneMatch(names -> names.contains(column)))
          // A file without rows sends no event to quarantine, whatever columns it lacks. Spark
          // read the footers without their row groups: only such a day's are read again.
          .filter(day -> day.getValue().keySet().stream().anyMatch(file -> hasRows.computeIfAbsent(file, f -> hasRows(f, hadoopConf))))
          .findFirst().ifPresent(day -> dayWithout.put(column, day.getKey()));
    }
    return new FileColumns(columns.schema(), columns.conflicts(), columns.uuids(), dayWithout);
  }

  /**
   * The footers' schemas merged in order, those of the {@code yielding} files (none when null)
   * after all the others and without conflicts of their own.
   */
  private static NamedUnion union(List<Footer> footers, ParquetToSparkSchemaConverter converter, boolean caseSensitive,
      Set<Path> yielding) {
    NamedUnion merged = new NamedUnion(caseSensitive);
    List<Footer> ordered = new ArrayList<>();
    footers.stream().filter(f -> yielding == null || !yielding.contains(f.getFile())).forEach(ordered::add);
    footers.stream().filter(f -> yielding != null && yielding.contains(f.getFile())).forEach(ordered::add);
    for (Footer footer : ordered) {
      boolean yields = yielding != null && yielding.contains(footer.getFile());
      // A file without rows adds no UUID column and no stored type: it has no value to read as one.
      StructType schema = footerSchema(footer, converter, yields ? new NamedUnion(caseSensitive) : merged);
      merged.fileColumns.put(footer.getFile(), schema);
      merged.add(footer.getFile().toString(), schema, yields);
    }
    return merged;
  }

  /** Whether Spark reads Parquet with its vectorized reader, nested columns too (both defaults). */
  private static boolean vectorizedReads(SparkSession spark) {
    return Boolean.parseBoolean(spark.conf().get("spark.sql.parquet.enableVectorizedReader", "true"))
        && Boolean.parseBoolean(spark.conf().get("spark.sql.parquet.enableNestedColumnVectorizedReader", "true"));
  }

  private static boolean atomic(DataType type) {
    return !(type instanceof StructType || type instanceof ArrayType || type instanceof MapType);
  }

  /** The files among {@code footers} without rows, their footers read again with their row groups, several at a time. */
  private static Set<Path> withoutRows(List<Footer> footers, Configuration hadoopConf) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, footers.size())));
    try {
      List<Future<Path>> empty = new ArrayList<>();
      for (Footer footer : footers) {
        empty.add(pool.submit(() -> hasRows(footer.getFile(), hadoopConf) ? null : footer.getFile()));
      }
      Set<Path> files = new HashSet<>();
      for (Future<Path> file : empty) {
        Path path = file.get();
        if (path != null) {
          files.add(path);
        }
      }
      return files;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the input's footers", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean hasRows(Path file, Configuration hadoopConf) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoopConf))) {
      return reader.getRecordCount() > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A footer's schema as Spark's merge reads it, but with each Parquet UUID column (16 bytes
   * annotated UUID, as DuckDB, pyarrow and Iceberg write one) as BINARY. Spark 4.0's schema
   * converter refuses the annotation (PARQUET_TYPE_ILLEGAL) for the whole file, so an export with
   * a UUID visitor id could not be read at all, yet both its Parquet readers read the bytes as
   * BINARY when the schema says so. The UUID columns reached through structs only (not inside a
   * list or a map) are added to the union's UUIDs, by their path. Any other annotation the
   * converter refuses (DuckDB's TIME, TIME WITH TIME ZONE and INTERVAL: a black-box test) is
   * dropped too, so that its column reads as the value stored (TIME as BIGINT microseconds,
   * INTERVAL as 12 bytes), and is added to the union's stored columns.
   */
  private static StructType footerSchema(Footer footer, ParquetToSparkSchemaConverter converter, NamedUnion union) {
    MessageType parquet = footer.getParquetMetadata().getFileMetaData().getSchema();
    MessageType plain = withoutAnnotations(parquet, null, union);
    try {
      return plain.equals(parquet) ? ParquetFileFormat.readSchemaFromFooter(footer, converter) : converter.convert(plain);
    } catch (Exception e) { // Spark's AnalysisException is checked
      refusedOrThrow(e);
    }
    String file = footer.getFile().toString();
    return converter.convert(withoutAnnotations(parquet, leaf -> {
      try {
        converter.convert(new MessageType("leaf", leaf));
        return false;
      } catch (Exception e) { // Spark's AnalysisException is checked
        refusedOrThrow(e);
        union.stored.putIfAbsent(leaf.toString(), leaf + " in " + file);
        return true;
      }
    }, union));
  }

  /** Returns when {@code e} is Spark refusing a Parquet type; else throws it (unchecked). */
  private static void refusedOrThrow(Exception e) {
    if (!isRefusedParquetType(e)) {
      throw e instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(e);
    }
  }

  /** {@code parquet} without its UUID annotations, and, with {@code refused}, without those of the leaves it is true of. */
  private static MessageType withoutAnnotations(MessageType parquet, Predicate<PrimitiveType> refused,
      NamedUnion union) {
    List<Type> fields = new ArrayList<>();
    for (Type field : parquet.getFields()) {
      fields.add(withoutAnnotations(field, List.of(), true, refused, union));
    }
    return new MessageType(parquet.getName(), fields);
  }

  private static Type withoutAnnotations(Type type, List<String> parent, boolean reachable,
      Predicate<PrimitiveType> refused, NamedUnion union) {
    List<String> path = child(parent, type.getName());
    boolean stillReachable = reachable && !type.isRepetition(Type.Repetition.REPEATED);
    if (type.isPrimitive()) {
      PrimitiveType primitive = type.asPrimitiveType();
      LogicalTypeAnnotation annotation = primitive.getLogicalTypeAnnotation();
      if (annotation instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
        if (stillReachable) {
          union.uuids.add(path);
        }
      } else if (annotation == null || refused == null || !refused.test(primitive)) {
        return type;
      }
      // The field id stays: Iceberg's readers match columns by it (spark.sql.parquet.fieldId.read.enabled).
      Types.PrimitiveBuilder<PrimitiveType> plain = Types.primitive(primitive.getPrimitiveTypeName(), primitive.getRepetition());
      if (primitive.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
        plain = plain.length(primitive.getTypeLength());
      }
      if (primitive.getId() != null) {
        plain = plain.id(primitive.getId().intValue());
      }
      return plain.named(primitive.getName());
    }
    GroupType group = type.asGroupType();
    boolean throughStructs = stillReachable && group.getLogicalTypeAnnotation() == null;
    List<Type> fields = new ArrayList<>();
    for (Type field : group.getFields()) {
      fields.add(withoutAnnotations(field, path, throughStructs, refused, union));
    }
    return group.withNewFields(fields);
  }

  /**
   * The columns of a day's or a range's files: every column with the first type each was read as
   * where two files' types conflict, those conflicts in the order they were met, the paths of
   * the Parquet UUID columns in the schema as BINARY (see {@link #footerSchema}), and by checked
   * column a day whose files with rows all lack it.
   */
  record FileColumns(StructType schema, List<Conflict> conflicts, List<List<String>> uuids, Map<String, String> daysWithout) {
    /** Columns where which day lacks one is not known (Spark merged the files, or every file was read). */
    FileColumns(StructType schema, List<Conflict> conflicts, List<List<String>> uuids) {
      this(schema, conflicts, uuids, Map.of());
    }

    /**
     * A day (its directory) whose files read, those that hold rows, all lack the top-level
     * {@code column} of the union; empty where none does, or where it is not known.
     */
    Optional<String> dayWithout(String column, boolean caseSensitive) {
      return Optional.ofNullable(daysWithout.get(key(column, caseSensitive)));
    }

    /** The schema with a conflict's other type, that of the second file. */
    StructType withOtherType(Conflict conflict) {
      return (StructType) replaced(schema, conflict.path(), conflict.other());
    }

    /** The schema without the columns whose types conflict, or the struct fields where they are nested. */
    StructType withoutConflicts() {
      StructType read = schema;
      for (Conflict conflict : conflicts) {
        read = InputSchema.without(read, conflict.path());
      }
      return read;
    }
  }

  /**
   * Two types of one column, in two files, that no type reads both as. {@code path} is the column's
   * names from the top, array elements and map keys and values included as {@code element},
   * {@code key} and {@code value}; the schema has the first file's type there, {@code other} is
   * the second's.
   */
  record Conflict(List<String> path, DataType other, String message) {
    String column() {
      return String.join(".", path);
    }
  }

  /** A {@link #union} of sources in order, each conflict naming the two sources whose types clash. */
  private static final class NamedUnion {
    private final boolean caseSensitive;
    private StructType schema = new StructType();
    private final Map<String, String> typeFrom = new HashMap<>(); // by path: the source that gave each column and field its type
    private final Map<String, Conflict> conflicts = new LinkedHashMap<>(); // by column: the first met
    private final Set<List<String>> uuids = new LinkedHashSet<>();
    private final Map<String, String> stored = new LinkedHashMap<>(); // by leaf: the leaf and the first file it is in
    private final Map<Path, StructType> fileColumns = new HashMap<>(); // by footer's file: its own schema

    NamedUnion(boolean caseSensitive) {
      this.caseSensitive = caseSensitive;
    }

    void add(String source, StructType read) {
      add(source, read, false);
    }

    /**
     * {@code yielding} (a file without rows): where an atomic type of it conflicts with an atomic
     * type of the union, the union's stays and no conflict is named. A struct, array or map against
     * another type is still one: Spark's Parquet reader matches the groups of each file it opens to
     * the read's types, rows or none, and fails a file whose column is not a group where the read
     * has one.
     */
    void add(String source, StructType read, boolean yielding) {
      StructType before = schema;
      List<TypeConflict> met = new ArrayList<>();
      schema = (StructType) union(schema, read, List.of(), caseSensitive, met);
      for (TypeConflict conflict : met) {
        if (yielding && atomic(conflict.first) && atomic(conflict.second)) {
          continue;
        }
        String column = String.join(".", conflict.path);
        conflicts.putIfAbsent(key(column, caseSensitive), new Conflict(conflict.path, conflict.second, "column " + column + " is "
            + named(conflict.first, conflict.path) + " in " + typeFrom.get(key(column, caseSensitive)) + " but "
            + named(conflict.second, conflict.path) + " in " + source + ", and Spark cannot read one as the other"));
      }
      recordSource(before, schema, List.of(), source);
    }

    /**
     * {@code source} as where each column or nested field got its type, where the union changed
     * it: kept per top-level column only, a conflict in ctx.a named the file that had added ctx.b.
     */
    private void recordSource(DataType before, DataType after, List<String> path, String source) {
      if (after.equals(before)) {
        return;
      }
      if (!path.isEmpty()) {
        typeFrom.put(key(String.join(".", path), caseSensitive), source);
      }
      if (after instanceof StructType struct) {
        Map<String, DataType> known = new HashMap<>();
        if (before instanceof StructType old) {
          for (StructField field : old.fields()) {
            known.put(field.name(), field.dataType());
          }
        }
        for (StructField field : struct.fields()) {
          recordSource(known.get(field.name()), field.dataType(), child(path, field.name()), source);
        }
      } else if (after instanceof ArrayType array) {
        recordSource(before instanceof ArrayType old ? old.elementType() : null, array.elementType(), child(path, "element"), source);
      } else if (after instanceof MapType map) {
        recordSource(before instanceof MapType old ? old.keyType() : null, map.keyType(), child(path, "key"), source);
        recordSource(before instanceof MapType old ? old.valueType() : null, map.valueType(), child(path, "value"), source);
      }
    }

    /** A type as the files have it: a UUID column's BINARY is the files' UUID (BINARY confused a DuckDB user). */
    private String named(DataType type, List<String> path) {
      return type.equals(DataTypes.BinaryType) && uuids.contains(path) ? "UUID" : type.sql();
    }

    FileColumns columns() {
      return new FileColumns(schema, List.copyOf(conflicts.values()), List.copyOf(uuids));
    }
  }

  /**
   * A file's schema, or a day's merged by Spark; when its own files' types conflict, each of its
   * files' schemas, so that the error names two files.
   */
  private static Map<String, StructType> schemas(SparkSession spark, DataFrameReader merging, String source) {
    try {
      return Map.of(source, merging.load(source).schema());
    } catch (Exception e) {
      if (!isTypeConflict(e)) {
        throw e;
      }
    }
    Map<String, StructType> byFile = new LinkedHashMap<>();
    for (FileStatus file : dataFiles(spark, source)) {
      byFile.put(file.getPath().toString(), merging.load(file.getPath().toString()).schema());
    }
    return byFile;
  }

  /** Per partition, in the given order, its oldest and newest data file, from its files as listed. */
  private static List<FileStatus> oldestAndNewest(List<String> partitions, Map<String, List<FileStatus>> listed) {
    List<FileStatus> files = new ArrayList<>();
    for (String partition : partitions) {
      List<FileStatus> data = listed.get(partition).stream().filter(f -> f.getLen() > 0).toList();
      if (!data.isEmpty()) {
        files.add(data.get(0));
        if (data.size() > 1) {
          files.add(data.get(data.size() - 1));
        }
      }
    }
    return files;
  }

  /**
   * A directory's data files, in its subdirectories too, as Spark reads them (its rule: none of the
   * names {@link #skippedBySpark}, and none of no bytes), oldest first. Only the day's own files were read for its columns, and a day whose files
   * sat in a subdirectory was read with another day's (a column it alone had was null, a review).
   */
  private static List<FileStatus> dataFiles(SparkSession spark, String directory) {
    return allFiles(spark, directory).stream().filter(f -> f.getLen() > 0).toList();
  }

  /**
   * {@link #dataFiles}, and the files of no bytes among them: an upload cut short, or an object
   * store's placeholder, has no rows and no footer, and Spark's scan skips it.
   */
  private static List<FileStatus> allFiles(SparkSession spark, String directory) {
    Path dir = new Path(directory);
    List<FileStatus> files = new ArrayList<>();
    try {
      collectDataFiles(dir.getFileSystem(spark.sparkContext().hadoopConfiguration()), dir, files);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files.stream()
        .sorted(Comparator.comparingLong(FileStatus::getModificationTime).thenComparing(f -> f.getPath().toString()))
        .toList();
  }

  /**
   * Whether Spark's file listing skips a file or directory of this name: hidden ones, _ names that
   * are no partition (_SUCCESS, _delta_log, but not _hour=08), and a copy under way (Hadoop's
   * {@code fs -put} writes name._COPYING_ and renames it when done).
   */
  static boolean skippedBySpark(String name) {
    return name.startsWith(".") || (name.startsWith("_") && !name.contains("=")) || name.endsWith("._COPYING_");
  }

  private static void collectDataFiles(FileSystem fs, Path dir, List<FileStatus> files) throws IOException {
    for (FileStatus child : fs.listStatus(dir)) {
      if (skippedBySpark(child.getPath().getName())) {
        continue;
      }
      if (child.isDirectory()) {
        collectDataFiles(fs, child.getPath(), files);
      } else {
        files.add(child);
      }
    }
  }

  /** Each of {@code directories} (a run's days) with its files, of no bytes too, oldest first: one listing each. */
  static Map<String, List<FileStatus>> list(SparkSession spark, List<String> directories) {
    Map<String, List<FileStatus>> listed = new LinkedHashMap<>();
    directories.forEach(directory -> listed.put(directory, allFiles(spark, directory)));
    return listed;
  }

  /** Whether the listed days hold a data file, as {@link #dataFiles} finds them. */
  static boolean anyDataFile(Map<String, List<FileStatus>> listed) {
    return listed.values().stream().flatMap(List::stream).anyMatch(f -> f.getLen() > 0);
  }

  private static List<FileStatus> zeroByteFiles(Map<String, List<FileStatus>> listed) {
    return listed.values().stream().flatMap(List::stream).filter(f -> f.getLen() == 0).toList();
  }

  /**
   * One WARN for the listed days' Parquet files of no bytes: no rows are lost (Spark's scan skips
   * them too), but an upload cut short may have left one, even a day's only file. (ORC and JSON
   * writers leave empty files on purpose: a quiet day.)
   */
  static void warnOfZeroByteFiles(Map<String, List<FileStatus>> listed) {
    List<FileStatus> zeroByte = zeroByteFiles(listed);
    if (!zeroByte.isEmpty()) {
      LOG.warn("Events read without {} zero-byte file{} (no rows; an upload cut short?): {}{}", zeroByte.size(),
          zeroByte.size() == 1 ? "" : "s", zeroByte.get(0).getPath(), zeroByte.size() == 1 ? "" : ", ...");
    }
  }

  /** The event_date= directory a data file belongs to, however deep below it the file sits. */
  private static String dayOf(Path file) {
    for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
      if (dir.getName().startsWith("event_date=")) {
        return dir.toString();
      }
    }
    return file.getParent().toString();
  }

  /**
   * Every column of {@code a} (in its order) and then those only {@code b} has; names compare as
   * Spark compares them by default, ignoring case, or exactly when {@code caseSensitive}. A column
   * whose types differ takes the wider type when Spark's Parquet readers read both as it.
   *
   * @throws TypeConflict when they do not
   */
  static StructType union(StructType a, StructType b, boolean caseSensitive) {
    return (StructType) union(a, b, List.of(), caseSensitive, null);
  }

  private static String key(String name, boolean caseSensitive) {
    return caseSensitive ? name : name.toLowerCase(Locale.ROOT);
  }

  /**
   * As {@link #union(StructType, StructType, boolean)}; with {@code conflicts}, each conflict is
   * added to it and the column keeps {@code a}'s type, so that one unioning meets them all.
   */
  private static DataType union(DataType a, DataType b, List<String> path, boolean caseSensitive, List<TypeConflict> conflicts) {
    if (a.equals(b)) {
      return a;
    }
    if (a instanceof StructType sa && b instanceof StructType sb) {
      Map<String, StructField> fields = new LinkedHashMap<>();
      for (StructField field : sa.fields()) {
        fields.put(key(field.name(), caseSensitive), field);
      }
      for (StructField field : sb.fields()) {
        String key = key(field.name(), caseSensitive);
        StructField known = fields.get(key);
        fields.put(key, known == null ? field.copy(field.name(), field.dataType(), true, field.metadata())
            : known.copy(known.name(), union(known.dataType(), field.dataType(), child(path, known.name()), caseSensitive, conflicts),
                true, known.metadata()));
      }
      List<StructField> list = new ArrayList<>(fields.values());
      return DataTypes.createStructType(list);
    }
    if (a instanceof ArrayType aa && b instanceof ArrayType ab) {
      return DataTypes.createArrayType(union(aa.elementType(), ab.elementType(), child(path, "element"), caseSensitive, conflicts), true);
    }
    if (a instanceof MapType ma && b instanceof MapType mb) {
      return DataTypes.createMapType(union(ma.keyType(), mb.keyType(), child(path, "key"), caseSensitive, conflicts),
          union(ma.valueType(), mb.valueType(), child(path, "value"), caseSensitive, conflicts), true);
    }
    Optional<DataType> common = commonType(a, b);
    if (common.isPresent()) {
      return common.get();
    }
    TypeConflict conflict = new TypeConflict(path, a, b);
    if (conflicts == null) {
      throw conflict;
    }
    conflicts.add(conflict);
    return a;
  }

  private static List<String> child(List<String> path, String name) {
    List<String> child = new ArrayList<>(path);
    child.add(name);
    return List.copyOf(child);
  }

  /**
   * {@code type} without the innermost struct field on {@code path} (a map's key type cannot go,
   * so the map goes), and without a struct that this leaves empty: Spark reads no empty struct.
   */
  static StructType without(StructType type, List<String> path) {
    DataType left = replaced(type, path, null);
    return left == null ? new StructType() : (StructType) left;
  }

  /** {@code type} with {@code replacement} at {@code path}, or, for a null one, without it (null when nothing is left). */
  private static DataType replaced(DataType type, List<String> path, DataType replacement) {
    if (path.isEmpty()) {
      return replacement;
    }
    List<String> rest = path.subList(1, path.size());
    if (type instanceof StructType struct) {
      List<StructField> fields = new ArrayList<>();
      boolean found = false;
      for (StructField field : struct.fields()) {
        if (!found && field.name().equals(path.get(0))) { // the path has the schema's own names
          found = true;
          DataType inner = replaced(field.dataType(), rest, replacement);
          if (inner != null) {
            fields.add(field.copy(field.name(), inner, field.nullable(), field.metadata()));
          }
        } else {
          fields.add(field);
        }
      }
      return fields.isEmpty() ? null : DataTypes.createStructType(fields);
    }
    if (type instanceof ArrayType array && path.get(0).equals("element")) {
      DataType element = replaced(array.elementType(), rest, replacement);
      return element == null ? null : DataTypes.createArrayType(element, array.containsNull());
    }
    if (type instanceof MapType map && path.get(0).equals("value")) {
      DataType value = replaced(map.valueType(), rest, replacement);
      return value == null ? null : DataTypes.createMapType(map.keyType(), value, map.valueContainsNull());
    }
    if (type instanceof MapType map && path.get(0).equals("key")) {
      DataType key = replaced(map.keyType(), rest, replacement);
      return key == null ? null : DataTypes.createMapType(key, map.valueType(), map.valueContainsNull());
    }
    return replacement == null ? null : type;
  }

  private static final List<DataType> SMALL_INTEGERS = List.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType);

  /**
   * A type Spark 4.0's Parquet readers, vectorized or not, read both as (measured on files DuckDB
   * and Spark wrote): the wider of two small integers; BIGINT for a small integer and BIGINT; DOUBLE
   * for any two of the small integers, FLOAT and DOUBLE; the DECIMAL with the larger scale and the
   * more digits before the point of two DECIMALs (DuckDB types each literal by its own digits:
   * 19.99 is DECIMAL(4,2), 5.12 DECIMAL(3,2)); TIMESTAMP for TIMESTAMP and TIMESTAMP_NTZ (a wall
   * clock read as UTC, as event_time takes one). None for BIGINT and a floating
   * type (BIGINT is not read as DOUBLE), nor for a DECIMAL and an integer or a floating type (read
   * as its unscaled value).
   */
  private static Optional<DataType> commonType(DataType a, DataType b) {
    if (SMALL_INTEGERS.contains(a) && SMALL_INTEGERS.contains(b)) {
      return Optional.of(SMALL_INTEGERS.indexOf(a) > SMALL_INTEGERS.indexOf(b) ? a : b);
    }
    if ((SMALL_INTEGERS.contains(a) && b.equals(DataTypes.LongType)) || (a.equals(DataTypes.LongType) && SMALL_INTEGERS.contains(b))) {
      return Optional.of(DataTypes.LongType);
    }
    if (floatingOrSmall(a) && floatingOrSmall(b)) {
      return Optional.of(DataTypes.DoubleType);
    }
    if (a instanceof DecimalType da && b instanceof DecimalType db) {
      int scale = Math.max(da.scale(), db.scale());
      int precision = Math.max(da.precision() - da.scale(), db.precision() - db.scale()) + scale;
      return precision <= DecimalType.MAX_PRECISION() ? Optional.of(DataTypes.createDecimalType(precision, scale)) : Optional.empty();
    }
    List<DataType> times = List.of(DataTypes.TimestampType, DataTypes.TimestampNTZType);
    if (times.contains(a) && times.contains(b)) {
      return Optional.of(DataTypes.TimestampType);
    }
    return Optional.empty();
  }

  private static boolean floatingOrSmall(DataType type) {
    return SMALL_INTEGERS.contains(type) || type.equals(DataTypes.FloatType) || type.equals(DataTypes.DoubleType);
  }

  /** Spark's converter refusing a Parquet type: illegal, not supported or not recognized. */
  private static boolean isRefusedParquetType(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SparkThrowable st && st.getCondition() != null && st.getCondition().startsWith("PARQUET_TYPE_")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTypeConflict(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SparkThrowable st && st.getCondition() != null && st.getCondition().startsWith("CANNOT_MERGE")) {
        return true;
      }
    }
    return false;
  }

  /** Two types of one column that no type reads both as. */
  static final class TypeConflict extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<String> path;
    final transient DataType first;
    final transient DataType second;

    TypeConflict(List<String> path, DataType first, DataType second) {
      super("column " + String.join(".", path) + ": " + first.sql() + " and " + second.sql());
      this.path = path;
      this.first = first;
      this.second = second;
    }
  }
}
