"""Every lab scenario by number: (function, needs an exporter)."""

from .scenarios import (s0_track_file_contract, s1_local_fault, s2_shared_outage,
                        s3_singleton_wan)
from .scenario_keepalived import s16_keepalived_role
from .scenarios_late import (s4_flapping_path, s5_recovery, s6_exporter_crash,
                             s7_peer_down)
from .scenarios_trust import (s8_crash_no_doubling, s9_upstream_fault_one_node,
                              s10_ipv4_sync_link, s11_peer_upstream_fails)

SCENARIOS = {
    0: (s0_track_file_contract, False),
    1: (s1_local_fault, True),
    2: (s2_shared_outage, True),
    3: (s3_singleton_wan, True),
    4: (s4_flapping_path, True),
    5: (s5_recovery, True),
    6: (s6_exporter_crash, True),
    7: (s7_peer_down, True),
    8: (s8_crash_no_doubling, True),
    9: (s9_upstream_fault_one_node, True),
    10: (s10_ipv4_sync_link, True),
    11: (s11_peer_upstream_fails, True),
    16: (s16_keepalived_role, True),
}
