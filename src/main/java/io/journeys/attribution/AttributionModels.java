package io.journeys.attribution;

import io.journeys.attribution.datadriven.MarkovModel;
import io.journeys.attribution.datadriven.ShapleyModel;
import io.journeys.attribution.datadriven.SimplifiedShapleyModel;
import io.journeys.config.JobSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The one place that maps model names (SPEC §4) to implementations. */
public final class AttributionModels {
  private static final Map<String, Supplier<AttributionModel>> MODELS = new LinkedHashMap<>();

  static {
    MODELS.put("first_touch", HeuristicModels.FirstTouch::new);
    MODELS.put("last_touch", HeuristicModels.LastTouch::new);
    MODELS.put("linear", HeuristicModels.Linear::new);
    MODELS.put("time_decay", HeuristicModels.TimeDecay::new);
    MODELS.put("position_based", HeuristicModels.PositionBased::new);
    MODELS.put("markov", MarkovModel::new);
    MODELS.put("shapley", ShapleyModel::new);
    MODELS.put("shapley_simplified", SimplifiedShapleyModel::new);
  }

  private AttributionModels() {}

  /** The enabled models, in the order of {@code attribution.models}. */
  public static List<AttributionModel> forSettings(JobSettings settings) {
    return settings.attribution().models().stream().map(name -> MODELS.get(name).get()).toList();
  }

  public static AttributionModel named(String name) {
    Supplier<AttributionModel> supplier = MODELS.get(name);
    if (supplier == null) {
      throw new IllegalArgumentException("Cannot find attribution model '" + name + "'; known: " + MODELS.keySet());
    }
    return supplier.get();
  }
}
