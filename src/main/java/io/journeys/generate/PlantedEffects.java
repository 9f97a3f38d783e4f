package io.journeys.generate;

import java.util.Map;

/**
 * The known effects planted in generated data, which the analysis must recover. A session's
 * purchase probability is {@link #BASE_PURCHASE} times the multipliers of what the visitor did
 * before (in this or an earlier session) times the session channel's multiplier.
 */
public final class PlantedEffects {
  private PlantedEffects() {}

  /** Purchase probability of a session with no planted cause (after an add_to_cart). */
  public static final double BASE_PURCHASE = 0.06;

  /** A newsletter signup triples the chance of every later purchase. */
  public static final double NEWSLETTER_MULTIPLIER = 3.0;

  /** Adding to the wishlist doubles it. */
  public static final double WISHLIST_MULTIPLIER = 2.0;

  /** Watching a video has no effect at all. */
  public static final double VIDEO_MULTIPLIER = 1.0;

  /** Sessions from these channels convert this much more (email best). */
  public static final Map<String, Double> CHANNEL_MULTIPLIER =
      Map.of(
          "email", 2.5,
          "paid_search", 1.4,
          "organic_search", 1.0,
          "direct", 1.1,
          "paid_social", 0.8,
          "organic_social", 0.7,
          "referral", 0.9,
          "display", 0.6,
          "affiliate", 1.0);

  /** Quote requests: independent of the planted causes, per session. */
  public static final double QUOTE_REQUEST = 0.004;

  // Dirt, as shares of generated events.
  /** An event sent twice (same event_id; half exact copies, half a few seconds later). */
  public static final double DUPLICATE_SHARE = 0.005;
  /** visitor_id lost. */
  public static final double NULL_VISITOR_SHARE = 0.002;
  /** event_time in 2099 (a device clock far in the future). */
  public static final double FUTURE_TIME_SHARE = 0.001;
  /** event_time in 1970 (a reset device clock). */
  public static final double ANCIENT_TIME_SHARE = 0.0005;
  /** event_name lost. */
  public static final double NULL_EVENT_NAME_SHARE = 0.001;
}
