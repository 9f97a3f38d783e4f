package io.journeys.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders a report in headless Chromium (Debian's package; {@code .ci/run} installs it) and checks
 * what a reader would see: a PNG screenshot, no script errors, and charts with a non-empty size.
 * The page gets a small probe script only here, in the test, appended after rendering: it measures
 * every chart and writes the result into the DOM, which {@code --dump-dom} then prints.
 */
public final class HtmlReportBrowserTest {
  private HtmlReportBrowserTest() {}

  static String chromium() {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /** Checks the report in a real browser; CI must have the browser, elsewhere its absence skips. */
  public static void check(String html, Path dir) throws Exception {
    String browser = chromium();
    if (browser == null) {
      assertThat(System.getenv("CI")).as("CI installs chromium (.ci/run); the browser check must run there").isNull();
      assumeTrue(false, "chromium not installed: browser check skipped outside CI");
    }
    String probe = "<script>window.onerror=function(m){document.body.setAttribute('data-error', m)};"
        + "window.addEventListener('load',function(){var s=document.querySelectorAll('svg.chart');var ok=s.length>0;"
        + "s.forEach(function(e){var r=e.getBoundingClientRect();if(r.width<=0||r.height<=0){ok=false}});"
        + "document.body.setAttribute('data-charts', s.length + ':' + ok);});</script>";
    Path page = dir.resolve("report.html");
    Files.writeString(page, html.replace("</body>", probe + "</body>"), StandardCharsets.UTF_8);
    List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + dir.resolve("profile"), "--window-size=1200,2400");
    Path png = dir.resolve("report.png");
    run(browser, flags, "--screenshot=" + png, page.toUri().toString());
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(10_000);
    String dom = run(browser, flags, "--dump-dom", page.toUri().toString());
    assertThat(dom).doesNotContain("data-error=");
    assertThat(dom).containsPattern("data-charts=\"[1-9][0-9]*:true\"");
    Path kept = Path.of("target", "report-screenshot.png");
    Files.createDirectories(kept.getParent());
    Files.copy(png, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static String run(String browser, List<String> flags, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(browser);
    command.addAll(flags);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
