package io.journeys.config;

/** A session channel: the first rule whose predicate holds for the session's first event names it. */
public record ChannelRule(String name, String when) {}
