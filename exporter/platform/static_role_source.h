#pragma once

// A fixed role from config (`role: {source: static, static: master}`), for
// tests and single nodes. Thread safe (immutable).

#include "exporter/platform/role_source.h"

namespace ipv6ha {

class StaticRoleSource : public RoleSource {
 public:
  explicit StaticRoleSource(Role role) : role_(role) {}
  RoleReading Read() override {
    RoleReading r;
    r.role = role_;
    r.detail = "static role from config";
    r.carp_demotion_error = "role source is static";
    return r;
  }

 private:
  Role role_;
};

}  // namespace ipv6ha
