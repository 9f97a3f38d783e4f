package io.journeys;

/** Column names of the logical events and of every output table, in one place. */
public final class Columns {
  private Columns() {}

  // Logical event columns (SPEC §2).
  public static final String EVENT_ID = "event_id";
  public static final String EVENT_TIME = "event_time";
  public static final String VISITOR_ID = "visitor_id";
  public static final String USER_ID = "user_id";
  public static final String SESSION_ID = "session_id";
  public static final String EVENT_NAME = "event_name";
  public static final String PAGE_URL = "page_url";
  public static final String REFERRER_URL = "referrer_url";
  public static final String UTM_SOURCE = "utm_source";
  public static final String UTM_MEDIUM = "utm_medium";
  public static final String UTM_CAMPAIGN = "utm_campaign";
  public static final String REVENUE = "revenue";
  public static final String PROPERTIES = "properties";

  // Dates and keys shared by several tables.
  public static final String EVENT_DATE = "event_date";
  public static final String SESSION_DATE = "session_date";
  public static final String CLOSE_DATE = "close_date";
  public static final String CONVERSION_DATE = "conversion_date";
  public static final String DATE = "date";
  public static final String VISITOR_KEY = "visitor_key";

  // sessions
  public static final String SESSION_START = "session_start";
  public static final String SESSION_END = "session_end";
  public static final String CHANNEL = "channel";
  public static final String LANDING_PAGE = "landing_page";
  public static final String EVENTS = "events";
  public static final String PAGE_VIEWS = "page_views";

  // conversions
  public static final String KIND = "kind";
  public static final String CONVERSION = "conversion";
  public static final String VALUE = "value";

  // identities
  public static final String FIRST_SEEN = "first_seen";
  public static final String LAST_SEEN = "last_seen";

  // journeys
  public static final String JOURNEY_ID = "journey_id";
  public static final String CONVERTED = "converted";
  public static final String MACRO_CONVERSION = "macro_conversion";
  public static final String PATH = "path";
  public static final String TOUCHPOINTS = "touchpoints";
  public static final String TOUCHPOINT_TIMES = "touchpoint_times";
  public static final String JOURNEY_START = "journey_start";
  public static final String JOURNEY_END = "journey_end";
  public static final String EXIT_TOUCHPOINT = "exit_touchpoint";
  public static final String DAYS_TO_CONVERT = "days_to_convert";
  public static final String SESSIONS_TO_CONVERT = "sessions_to_convert";

  // attribution and model_weights
  public static final String TOUCHPOINT = "touchpoint";
  public static final String MODEL = "model";
  public static final String CREDITED_CONVERSIONS = "credited_conversions";
  public static final String CREDITED_VALUE = "credited_value";
  public static final String WEIGHT = "weight";
  public static final String REMOVAL_EFFECT = "removal_effect";
  public static final String CONVERSION_PROBABILITY = "conversion_probability";
  public static final String JOURNEYS_IN_TRAINING = "journeys_in_training";

  // paths
  public static final String CONVERSIONS = "conversions";
  public static final String NON_CONVERSIONS = "non_conversions";

  // micro_conversion_performance
  public static final String MICRO_CONVERSION = "micro_conversion";
  public static final String VISITORS = "visitors";
  public static final String CONVERTED_VISITORS = "converted_visitors";
  public static final String CONVERSION_RATE = "conversion_rate";
  public static final String LIFT = "lift";
  public static final String MEDIAN_DAYS_TO_CONVERT = "median_days_to_convert";

  // channel_performance
  public static final String SESSIONS = "sessions";
  public static final String MICRO_CONVERSIONS = "micro_conversions";
  public static final String MACRO_CONVERSIONS = "macro_conversions";

  // funnels
  public static final String FUNNEL = "funnel";
  public static final String STEP = "step";
  public static final String STEP_NAME = "step_name";
  public static final String RATE_FROM_PREVIOUS = "rate_from_previous";
  public static final String RATE_FROM_START = "rate_from_start";

  // quarantine
  public static final String REASON = "reason";
  public static final String RAW = "raw";

  // run_metrics
  public static final String RUN_ID = "run_id";

  /** The touchpoint credited when a macro conversion had none (SPEC §4). */
  public static final String NO_TOUCHPOINT = "(none)";

  /** Separator of touchpoint names in a path string (SPEC §5). */
  public static final String PATH_SEPARATOR = " > ";
}
