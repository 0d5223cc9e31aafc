# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# vethpair A B [VA VB]: two network namespaces of the caller's own joined
# by a veth pair, VA (default vA; 198.18.0.1/30, in A) and VB (default vB;
# 198.18.0.2/30, in B), loopback up, bbr as congestion control where the
# kernel takes it (names unique on the host let a tracer tell the pair
# from another test's, as bench/truth.sh does). The
# namespace A must exist already (the caller creates it first, to learn
# whether it may); B is created here. Used by bench/truth.sh and
# test/e2e/t_kernel_truth.sh, which remove both namespaces on exit.
vethpair() {
	local a=$1 b=$2 va=${3:-vA} vb=${4:-vB} ns
	ip netns add "$b"
	ip link add "$va" netns "$a" type veth peer name "$vb" netns "$b"
	ip -n "$a" addr add 198.18.0.1/30 dev "$va"
	ip -n "$b" addr add 198.18.0.2/30 dev "$vb"
	for ns in "$a" "$b"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw \
			net.ipv4.tcp_congestion_control=bbr || true
	done
	ip -n "$a" link set "$va" up
	ip -n "$b" link set "$vb" up
}
