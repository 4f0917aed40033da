#include "checks/metric_table.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace ipv6ha {

MetricSamples::MetricSamples(const MetricDef& def) : def_(&def) {
  family_.name = std::string(def.name);
  family_.help = std::string(def.help);
  family_.type = def.type;
}

std::vector<prometheus::ClientMetric::Label> MetricSamples::Labels(
    std::initializer_list<std::string_view> values) const {
  if (values.size() != def_->label_count()) {
    throw std::logic_error(std::string(def_->name) + " declares " +
                           std::to_string(def_->label_count()) +
                           " labels, a sample gave " +
                           std::to_string(values.size()));
  }
  std::vector<prometheus::ClientMetric::Label> out;
  out.reserve(values.size());
  std::size_t i = 0;
  for (std::string_view v : values) {
    out.push_back({std::string(def_->labels[i++]), std::string(v)});
  }
  return out;
}

prometheus::ClientMetric& MetricSamples::Add(
    std::initializer_list<std::string_view> values, double value) {
  prometheus::ClientMetric metric;
  metric.label = Labels(values);
  switch (def_->type) {
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
  family_.metric.push_back(std::move(metric));
  return family_.metric.back();
}

void MetricSamples::AddHistogram(std::initializer_list<std::string_view> values,
                                 prometheus::ClientMetric histogram) {
  if (def_->type != prometheus::MetricType::Histogram) {
    throw std::logic_error(std::string(def_->name) + " is not a histogram");
  }
  histogram.label = Labels(values);
  family_.metric.push_back(std::move(histogram));
}

prometheus::MetricFamily MetricSamples::Take() {
  prometheus::MetricFamily out = std::move(family_);
  family_ = {};
  family_.name = out.name;
  family_.help = out.help;
  family_.type = out.type;
  return out;
}

}  // namespace ipv6ha
