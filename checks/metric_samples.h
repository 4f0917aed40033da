#pragma once

// Builds prometheus-cpp MetricFamily values for a CheckResult. A check emits
// its samples as data; the scrape serializes them as they are.

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace ipv6ha {

using LabelPairs = std::initializer_list<std::pair<std::string, std::string>>;

inline prometheus::MetricFamily MakeFamily(std::string name, std::string help,
                                           prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

inline prometheus::ClientMetric& AddSample(prometheus::MetricFamily& family,
                                           LabelPairs labels, double value) {
  prometheus::ClientMetric metric;
  for (const auto& [k, v] : labels) metric.label.push_back({k, v});
  switch (family.type) {
    case prometheus::MetricType::Counter:
      metric.counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      metric.gauge.value = value;
      break;
    default:
      metric.untyped.value = value;
      break;
  }
  family.metric.push_back(std::move(metric));
  return family.metric.back();
}

}  // namespace ipv6ha
