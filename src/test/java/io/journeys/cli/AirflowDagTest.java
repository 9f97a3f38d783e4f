package io.journeys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The DAG compiles, and the arguments it passes parse with the job's real command line. */
class AirflowDagTest {
  private static final Path DAG = Path.of("scripts/airflow/conversion_journeys_dag.py");

  private static String python(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.strip();
  }

  @Test
  void dagFileCompiles() throws Exception {
    python("-c", "import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)", DAG.toString());
  }

  @Test
  void dagFileImportsWhereAirflowIsNotInstalled() throws Exception {
    // pendulum, Airflow's dependency, was imported outside the guard (a black-box test): only
    // compiling the file did not show it.
    assertThat(python("-c", "import runpy, sys; ns = runpy.run_path(sys.argv[1]); print(ns['DAG'])", DAG.toString()))
        .isEqualTo("None");
  }

  @Test
  void applicationArgumentsParseWithTheRealCommandLine() throws Exception {
    // Read the constant with Python's own parser (Airflow need not be installed), one per line,
    // with the day template rendered as Airflow would for the run of 2026-01-31.
    String script = "import ast, sys\n"
        + "tree = ast.parse(open(sys.argv[1]).read())\n"
        + "consts = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}\n"
        + "day = ast.literal_eval(consts['PROCESS_DAY'])\n"
        + "for a in consts['APPLICATION_ARGS'].elts:\n"
        + "    v = a.id if isinstance(a, ast.Name) else ast.literal_eval(a)\n"
        + "    print(day if v == 'PROCESS_DAY' else v)\n";
    List<String> args = python("-c", script, DAG.toString()).lines()
        .map(a -> a.equals("{{ data_interval_start | ds }}") ? "2026-01-31" : a).toList();
    ParseResult parsed = JourneysCli.commandLine().parseArgs(args.toArray(String[]::new));
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("run");
    assertThat(parsed.subcommand().matchedOptionValue("--date", null).toString()).isEqualTo("2026-01-31");
    assertThat(parsed.subcommand().matchedOptionValue("--config", null).toString()).isEqualTo("production.conf");
  }
}
