#!/usr/bin/env bash
# UDP interop, evperf client -> stock iperf3 server: the matrix of
# t_udp_interop_ee.sh (UDP, -R, -P 4, --bidir, -n, -k and
# --udp-counters-64bit forward and -R, all -J against a one-off -J server),
# run by sourcing that script with UDP_PAIRING=ei.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
UDP_PAIRING=ei
# shellcheck source=t_udp_interop_ee.sh
. "$(dirname "$0")/t_udp_interop_ee.sh"
