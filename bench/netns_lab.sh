# shellcheck shell=sh
# Sourced by the prober benchmarks: two namespaces joined by a veth pair.
#   bench-router-$$ (wan0, 2001:db8:f::2/64)  <->  bench-isp-$$ (up0, 2001:db8:f::1/64)
# The isp answers for all of 2001:db8:200::/64 (AnyIP: a local route), so
# any number of targets costs no configuration. Removed on exit.
readonly ROUTER="bench-router-$$"
readonly ISP="bench-isp-$$"

lab_cleanup() {
  ip netns del "$ROUTER" 2>/dev/null || true
  ip netns del "$ISP" 2>/dev/null || true
}

lab_setup() {
  trap lab_cleanup EXIT
  ip netns add "$ROUTER"
  ip netns add "$ISP"
  ip link add "bw$$" type veth peer name "bi$$"
  ip link set "bw$$" netns "$ROUTER" name wan0
  ip link set "bi$$" netns "$ISP" name up0
  ip -n "$ROUTER" link set lo up
  ip -n "$ISP" link set lo up
  ip -n "$ROUTER" link set wan0 up
  ip -n "$ISP" link set up0 up
  ip -n "$ROUTER" -6 addr add 2001:db8:f::2/64 dev wan0 nodad
  ip -n "$ISP" -6 addr add 2001:db8:f::1/64 dev up0 nodad
  ip -n "$ROUTER" -6 route add 2001:db8:200::/64 via 2001:db8:f::1 dev wan0
  ip -n "$ISP" -6 route add local 2001:db8:200::/64 dev lo
  # ICMPv6 replies are rate limited per destination by default (1000/s
  # token bucket on the isp); the load bench sends 1000/s to one router.
  ip netns exec "$ISP" sysctl -qw net.ipv6.icmp.ratelimit=0
}
