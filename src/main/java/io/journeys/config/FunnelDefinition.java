package io.journeys.config;

import java.util.List;

/** An ordered funnel whose steps are names of micro or macro conversions. */
public record FunnelDefinition(String name, List<String> steps) {}
