package io.journeys.journeys;

import java.util.Locale;

/**
 * The host of an absolute URL, lower-cased, found by one scan of its characters. It gives what
 * {@code regexp_extract(lower(url), '^[a-z][a-z0-9+.-]*://([^/:?#]+)', 1)} gives, without lower-casing
 * the whole URL (Unicode case mapping, in Spark through ICU) and without a regular expression:
 * profiling put the two at a fifth of the sessionizing walk's CPU, for two host names a session.
 */
final class UrlHost {
  private UrlHost() {}

  /**
   * The host, or "" when the URL has none (no scheme, an empty host...); null for a null URL and
   * when a character before the host's end is not ASCII. Those are left to the exact expression:
   * Unicode lower-casing can turn a non-ASCII letter into an ASCII one (the Kelvin sign into k)
   * and depends on context (a final sigma), while ASCII letters map one to one, in any context.
   */
  static String ofAscii(String url) {
    if (url == null || url.isEmpty()) {
      return url == null ? null : "";
    }
    int n = url.length();
    char first = url.charAt(0);
    if (first >= 0x80) {
      return null;
    }
    if (!isLetter(first)) {
      return "";
    }
    int colon = 1;
    for (; colon < n; colon++) {
      char c = url.charAt(colon);
      if (c == ':') {
        break;
      }
      if (c >= 0x80) {
        return null;
      }
      if (!(isLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-')) {
        return "";
      }
    }
    if (colon + 2 >= n || url.charAt(colon + 1) != '/' || url.charAt(colon + 2) != '/') {
      return "";
    }
    int start = colon + 3;
    int end = start;
    for (; end < n; end++) {
      char c = url.charAt(end);
      if (c == '/' || c == ':' || c == '?' || c == '#') {
        break;
      }
      if (c >= 0x80) {
        return null;
      }
    }
    return url.substring(start, end).toLowerCase(Locale.ROOT);
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
