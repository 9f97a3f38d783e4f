package io.journeys.generate;

import static io.journeys.generate.PlantedEffects.ANCIENT_TIME_SHARE;
import static io.journeys.generate.PlantedEffects.BASE_PURCHASE;
import static io.journeys.generate.PlantedEffects.CHANNEL_MULTIPLIER;
import static io.journeys.generate.PlantedEffects.DUPLICATE_SHARE;
import static io.journeys.generate.PlantedEffects.FUTURE_TIME_SHARE;
import static io.journeys.generate.PlantedEffects.NEWSLETTER_MULTIPLIER;
import static io.journeys.generate.PlantedEffects.NULL_EVENT_NAME_SHARE;
import static io.journeys.generate.PlantedEffects.NULL_VISITOR_SHARE;
import static io.journeys.generate.PlantedEffects.QUOTE_REQUEST;
import static io.journeys.generate.PlantedEffects.VIDEO_MULTIPLIER;
import static io.journeys.generate.PlantedEffects.WISHLIST_MULTIPLIER;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Realistic sample events in the SPEC §2 layout, generated in parallel by Spark: {@code
 * spark.range(visitors)} is spread over partitions and each visitor's whole history is simulated
 * by a random generator seeded from (seed, visitor index), so the same seed gives the same rows
 * whatever the parallelism.
 *
 * <p>A visitor has a heavy-tailed number of sessions (Pareto: most have one, a few dozens) spread
 * over the days; a session is a burst of events seconds to minutes apart, arriving through one
 * channel (utm fields and referrer) and landing on one page; it views pages, may do micro
 * conversions, logs in (which gives the visitor a user_id; some users have a second device), and
 * may purchase or request a quote. Purchase probability carries the effects of {@link
 * PlantedEffects}. A small share of dirt (duplicates, lost ids, bad clocks) is added on top.
 */
public final class SampleEventGenerator {

  public static final StructType SCHEMA =
      StructType.fromDDL(
          "event_id STRING, event_time TIMESTAMP, visitor_id STRING, user_id STRING, session_id STRING,"
              + " event_name STRING, page_url STRING, referrer_url STRING, utm_source STRING,"
              + " utm_medium STRING, utm_campaign STRING, revenue DOUBLE, properties MAP<STRING, STRING>,"
              + " event_date DATE");

  private static final String SITE = "https://shop.example.com";
  private static final String[] PRODUCTS = {"boots", "jacket", "tent", "backpack", "stove", "lamp", "gloves", "map"};
  private static final String[] POSTS = {"how-to-pack", "trail-guide", "gear-care", "winter-camping"};

  /** What to generate. */
  public record Options(long visitors, int days, long seed, LocalDate startDate, long botEvents, boolean dirt)
      implements java.io.Serializable {}

  private final SparkSession spark;

  public SampleEventGenerator(SparkSession spark) {
    this.spark = spark;
  }

  /** The events as a Dataset (lazy); {@link #write} writes them partitioned by event_date. */
  public Dataset<Row> events(Options options) {
    int partitions = (int) Math.max(spark.sparkContext().defaultParallelism(), Math.min(2000, options.visitors() / 5000));
    long total = options.visitors() + (options.botEvents() > 0 ? 1 : 0);
    VisitorSimulator simulator = new VisitorSimulator(options);
    return spark.range(0, total, 1, partitions)
        .flatMap((FlatMapFunction<Long, Row>) simulator::simulate, Encoders.row(SCHEMA));
  }

  /** Adds the events to {@code out}, which the caller has made empty: this deletes nothing. */
  public void write(Options options, String out) {
    events(options).write().mode(SaveMode.Append).partitionBy("event_date").parquet(out);
  }

  /** One visitor's history; serializable so each task simulates its own visitors. */
  static final class VisitorSimulator implements java.io.Serializable {
    private final Options options;

    VisitorSimulator(Options options) {
      this.options = options;
    }

    Iterator<Row> simulate(Long index) {
      SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003L + index * 7_919L + 17);
      List<Row> rows = new ArrayList<>();
      if (options.botEvents() > 0 && index == options.visitors()) {
        bot(random, rows);
      } else {
        visitor(index, random, rows);
      }
      return rows.iterator();
    }

    private void bot(SplittableRandom random, List<Row> rows) {
      long span = options.days() * 86_400L;
      long start = options.startDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      for (long i = 0; i < options.botEvents(); i++) {
        // Evenly spread with a little jitter: a crawler never pauses for 30 minutes.
        long t = start + (span * i) / options.botEvents() + random.nextInt(3);
        String page = SITE + "/products/" + PRODUCTS[random.nextInt(PRODUCTS.length)] + "?p=" + i;
        rows.add(row("bot-" + i, t, "bot-crawler-1", null, "page_view", page, null, null, null, null, null));
      }
    }

    private void visitor(long index, SplittableRandom random, List<Row> rows) {
      String visitorId = String.format("v%09d", index);
      boolean twoDevices = random.nextDouble() < 0.08;
      String userId = String.format("u%09d", index);
      // Pareto(alpha = 1.6) sessions: most visitors come once, a few come back many times.
      int sessions = (int) Math.min(40, Math.floor(Math.pow(1 - random.nextDouble(), -1 / 1.6)));
      long firstDay = options.startDate().toEpochDay();
      List<Long> starts = new ArrayList<>();
      long first = (firstDay + random.nextInt(options.days())) * 86_400L + daySecond(random);
      starts.add(first);
      long t = first;
      for (int s = 1; s < sessions; s++) {
        // Gaps of hours to days, heavy-tailed.
        t += 1800 + (long) (3600 * Math.pow(1 - random.nextDouble(), -1 / 1.2));
        if (t >= (firstDay + options.days()) * 86_400L) {
          break;
        }
        starts.add(t);
      }
      boolean newsletter = false;
      boolean wishlist = false;
      boolean loggedIn = false;
      int eventNo = 0;
      for (int s = 0; s < starts.size(); s++) {
        String device = twoDevices && random.nextDouble() < 0.4 ? visitorId + "m" : visitorId;
        Channel channel = Channel.pick(random);
        long now = starts.get(s);
        String landing = landingPage(random, channel);
        boolean sessionLogin = loggedIn && random.nextDouble() < 0.7;
        String user = null;
        String trackerSession = device + "-s" + s;
        int pages = 1 + (int) Math.min(30, Math.floor(-Math.log(1 - random.nextDouble()) * 3.5));
        boolean cart = false;
        double purchaseChance = BASE_PURCHASE * channel.multiplier;
        for (int p = 0; p < pages; p++) {
          String page = p == 0 ? landing : sitePage(random);
          String referrer = p == 0 ? channel.referrer : SITE + "/";
          Channel utm = p == 0 ? channel : null;
          if (p == 1 && sessionLogin) {
            user = userId;
            eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "login", SITE + "/account", referrer, null, null);
            now += 5 + random.nextInt(40);
          }
          eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "page_view", page, referrer, utm, null);
          now += 10 + random.nextInt(170);
          if (random.nextDouble() < 0.04) {
            newsletter = true;
            eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "newsletter_signup", page, null, null, null);
            now += 5 + random.nextInt(30);
          }
          if (page.contains("/products/")) {
            if (random.nextDouble() < 0.06) {
              wishlist = true;
              eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "add_to_wishlist", page, null, null, null);
              now += 5 + random.nextInt(30);
            }
            if (random.nextDouble() < 0.12) {
              cart = true;
              eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "add_to_cart", page, null, null, null);
              now += 5 + random.nextInt(60);
            }
          }
          if (random.nextDouble() < 0.05) {
            eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "video_view", page, null, null, null);
            now += 30 + random.nextInt(200);
          }
          if (page.contains("/blog/") && random.nextDouble() < 0.08) {
            eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "download", page, null, null, null);
            now += 5 + random.nextInt(30);
          }
          if (random.nextDouble() < 0.01) {
            eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "social_share", page, null, null, null);
            now += 5 + random.nextInt(30);
          }
        }
        if (!loggedIn && random.nextDouble() < 0.03) {
          loggedIn = true;
          user = userId;
          eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "account_created", SITE + "/account/new", null, null, null);
          now += 20 + random.nextInt(60);
        }
        double chance = purchaseChance
            * (newsletter ? NEWSLETTER_MULTIPLIER : 1.0)
            * (wishlist ? WISHLIST_MULTIPLIER : 1.0)
            * VIDEO_MULTIPLIER;
        if (cart && random.nextDouble() < Math.min(0.95, chance)) {
          double revenue = Math.round((20 + Math.exp(3 + random.nextDouble() * 2.5)) * 100) / 100.0;
          eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "purchase", SITE + "/checkout/done", null, null, revenue);
          now += 10;
        }
        if (random.nextDouble() < QUOTE_REQUEST * channel.multiplier) {
          eventNo = add(rows, random, visitorId, eventNo, now, device, user, trackerSession, "quote_request", SITE + "/quote", null, null, null);
        }
      }
    }

    /** Adds one event (and maybe its dirt) and returns the next event number. */
    private int add(List<Row> rows, SplittableRandom random, String visitorId, int eventNo, long epochSecond,
        String device, String user, String session, String name, String page, String referrer, Channel utm,
        Double revenue) {
      String eventId = visitorId + "-" + eventNo;
      long t = epochSecond;
      String dev = device;
      String eventName = name;
      if (options.dirt()) {
        double r = random.nextDouble();
        if (r < NULL_VISITOR_SHARE) {
          dev = null;
        } else if ((r -= NULL_VISITOR_SHARE) < FUTURE_TIME_SHARE) {
          t = 4_070_908_800L + random.nextInt(86_400); // 2099-01-01
        } else if ((r -= FUTURE_TIME_SHARE) < ANCIENT_TIME_SHARE) {
          t = random.nextInt(86_400); // 1970-01-01
        } else if ((r -= ANCIENT_TIME_SHARE) < NULL_EVENT_NAME_SHARE) {
          eventName = null;
        }
      }
      Row row = row(eventId, t, dev, user, eventName, page, referrer, utm, revenue, session, epochSecond);
      rows.add(row);
      if (options.dirt() && random.nextDouble() < DUPLICATE_SHARE) {
        long later = random.nextBoolean() ? 0 : 1 + random.nextInt(5);
        rows.add(row(eventId, t + later, dev, user, eventName, page, referrer, utm, revenue, session, epochSecond));
      }
      return eventNo + 1;
    }

    private Row row(String eventId, long epochSecond, String device, String user, String name, String page,
        String referrer, Channel utm, Double revenue, String session, long receivedSecond) {
      return RowFactory.create(
          eventId,
          Timestamp.from(Instant.ofEpochSecond(epochSecond)),
          device,
          user,
          session,
          name,
          page,
          referrer,
          utm == null ? null : utm.source,
          utm == null ? null : utm.medium,
          utm == null ? null : utm.campaign,
          revenue,
          name != null && name.equals("purchase") ? scala.jdk.javaapi.CollectionConverters.asScala(Map.of("currency", "EUR")) : null,
          java.sql.Date.valueOf(LocalDate.ofEpochDay(Math.floorDiv(receivedSecond, 86_400L))));
    }

    private Row row(String eventId, long t, String device, String user, String name, String page, String referrer,
        String a, String b, String c, Double revenue) {
      return RowFactory.create(eventId, Timestamp.from(Instant.ofEpochSecond(t)), device, user, null, name, page,
          referrer, a, b, c, revenue, null, java.sql.Date.valueOf(LocalDate.ofEpochDay(Math.floorDiv(t, 86_400L))));
    }

    private static long daySecond(SplittableRandom random) {
      // Busier in the day than at night: two uniform draws averaged peak around 13:00 UTC.
      return (long) ((random.nextDouble() + random.nextDouble()) / 2 * 86_399);
    }

    private static String landingPage(SplittableRandom random, Channel channel) {
      double r = random.nextDouble();
      if (channel == Channel.ORGANIC_SEARCH && r < 0.5) {
        return SITE + "/blog/" + POSTS[random.nextInt(POSTS.length)];
      }
      if (r < 0.45) {
        return SITE + "/";
      }
      if (r < 0.85) {
        return SITE + "/products/" + PRODUCTS[random.nextInt(PRODUCTS.length)];
      }
      return SITE + "/pricing";
    }

    private static String sitePage(SplittableRandom random) {
      double r = random.nextDouble();
      if (r < 0.55) {
        return SITE + "/products/" + PRODUCTS[random.nextInt(PRODUCTS.length)];
      }
      if (r < 0.7) {
        return SITE + "/pricing";
      }
      if (r < 0.85) {
        return SITE + "/blog/" + POSTS[random.nextInt(POSTS.length)];
      }
      return SITE + "/";
    }
  }

  /** How a session arrives: utm fields and referrer, with the planted conversion multiplier. */
  enum Channel {
    DIRECT(0.22, null, null, null, null),
    ORGANIC_SEARCH(0.25, null, null, null, "https://www.google.com/"),
    PAID_SEARCH(0.12, "google", "cpc", "brand-search", "https://www.google.com/"),
    ORGANIC_SOCIAL(0.08, null, null, null, "https://www.facebook.com/"),
    PAID_SOCIAL(0.06, "facebook", "paid_social", "spring-sale", "https://www.facebook.com/"),
    EMAIL(0.10, "newsletter", "email", "weekly-digest", null),
    REFERRAL(0.08, null, null, null, "https://www.outdoorblog.net/review"),
    DISPLAY(0.05, "adnetwork", "display", "retargeting", "https://ads.adnetwork.com/"),
    AFFILIATE(0.04, "partnerhub", "affiliate", "partners", "https://partnerhub.io/deal");

    final double share;
    final String source;
    final String medium;
    final String campaign;
    final String referrer;
    final double multiplier;

    Channel(double share, String source, String medium, String campaign, String referrer) {
      this.share = share;
      this.source = source;
      this.medium = medium;
      this.campaign = campaign;
      this.referrer = referrer;
      this.multiplier = CHANNEL_MULTIPLIER.get(name().toLowerCase(java.util.Locale.ROOT));
    }

    static Channel pick(SplittableRandom random) {
      double r = random.nextDouble();
      for (Channel c : values()) {
        if ((r -= c.share) < 0) {
          return c;
        }
      }
      return DIRECT;
    }
  }
}
