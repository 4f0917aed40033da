#pragma once

// A metric as its owner declares it: once, in a table at the top of the file
// that emits it (name, help, type, labels), and the one way to emit samples
// from that declaration. Every table keeps the naming rules of
// docs/metrics.md (tested over all tables in
// tests/unit/metric_tables_test.cpp): names start with ipv6_ha_ (process_*
// only for the standard process metrics), use base units, counters end in
// _total, and every name is documented in docs/metrics.md.
//
// A check's table never declares `check`: the result store adds
// check="<instance>" to every sample a check emits (ResultStore::Collect),
// so two instances of one check type never expose the same series.

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace ipv6ha {

inline constexpr std::size_t kMaxMetricLabels = 5;

struct MetricDef {
  std::string_view name;
  std::string_view help;
  prometheus::MetricType type;
  // The labels the owner sets, in the order it sets them; unused entries
  // stay empty.
  std::array<std::string_view, kMaxMetricLabels> labels{};

  constexpr std::size_t label_count() const {
    std::size_t n = 0;
    while (n < labels.size() && !labels[n].empty()) ++n;
    return n;
  }
};

// One owner's table, as the naming test walks it.
using MetricTable = std::span<const MetricDef>;

// The samples of one declared metric. Not thread safe; build it, fill it,
// Take() it.
class MetricSamples {
 public:
  explicit MetricSamples(const MetricDef& def);

  // One sample with the label values in the order the declaration names
  // the labels. Another number of values than the declaration has labels is
  // a programming error: it throws std::logic_error (the scheduler then
  // reports the run unknown, a scrape counts an error), so any test that
  // runs the owner finds it.
  prometheus::ClientMetric& Add(std::initializer_list<std::string_view> values,
                                double value);
  // A collected histogram (prometheus::Histogram::Collect()) under the
  // declared labels; the declaration's type must be Histogram.
  void AddHistogram(std::initializer_list<std::string_view> values,
                    prometheus::ClientMetric histogram);

  bool empty() const { return family_.metric.empty(); }
  // The family, for Collect() or CheckResult::metrics; leaves this empty.
  prometheus::MetricFamily Take();

 private:
  std::vector<prometheus::ClientMetric::Label> Labels(
      std::initializer_list<std::string_view> values) const;

  const MetricDef* def_;
  prometheus::MetricFamily family_;
};

}  // namespace ipv6ha
