package io.journeys.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** s3a settings turned into the Hadoop keys Spark needs; secrets never come from here. */
public record S3Settings(String endpoint, boolean pathStyleAccess, String region, String credentialsProvider) {

  public Map<String, String> hadoopConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    if (!endpoint.isEmpty()) {
      conf.put("fs.s3a.endpoint", endpoint);
      // Plain HTTP only where the endpoint says http://: a bare host name (the form Hadoop's own
      // documentation uses) turned TLS off (a review); s3a's default is on.
      String scheme = endpoint.toLowerCase(java.util.Locale.ROOT);
      if (scheme.startsWith("http://")) {
        conf.put("fs.s3a.connection.ssl.enabled", "false");
      } else if (scheme.startsWith("https://")) {
        conf.put("fs.s3a.connection.ssl.enabled", "true");
      }
    }
    if (pathStyleAccess) {
      conf.put("fs.s3a.path.style.access", "true");
    }
    if (!region.isEmpty()) {
      conf.put("fs.s3a.endpoint.region", region);
    }
    if (!credentialsProvider.isEmpty()) {
      conf.put("fs.s3a.aws.credentials.provider", credentialsProvider);
    }
    return conf;
  }
}
