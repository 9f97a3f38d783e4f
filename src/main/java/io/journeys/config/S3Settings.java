package io.journeys.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** s3a settings turned into the Hadoop keys Spark needs; secrets never come from here. */
public record S3Settings(String endpoint, boolean pathStyleAccess, String region, String credentialsProvider) {

  public Map<String, String> hadoopConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    if (!endpoint.isEmpty()) {
      conf.put("fs.s3a.endpoint", endpoint);
      conf.put("fs.s3a.connection.ssl.enabled", Boolean.toString(endpoint.startsWith("https")));
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
