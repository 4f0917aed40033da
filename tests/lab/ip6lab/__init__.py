"""The two-node IPv6 HA lab: network namespaces, keepalived and ipv6_ha_exporter.

Modules:
  shell      running commands (also inside namespaces), processes we own
  netns      sockets inside a namespace from the root namespace (setns)
  topology   the namespaces, veth links, bridge, addresses and routes
  keepalived VRRPv3 config and process per router
  exporter   ipv6_ha_exporter config (YAML) and process per router
  faults     nftables fault injection and prefix-file staleness
  observe    role polling (VIP presence), track-file watching, status view
  scenarios  the automated scenarios with verdicts (scenarios_late,
             scenarios_trust; catalog numbers them all)
"""
