# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# vethpair A B: two network namespaces of the caller's own joined by a
# veth pair, vA (198.18.0.1/30, in A) and vB (198.18.0.2/30, in B),
# loopback up, bbr as congestion control where the kernel takes it. The
# namespace A must exist already (the caller creates it first, to learn
# whether it may); B is created here. Used by bench/truth.sh and
# test/e2e/t_kernel_truth.sh, which remove both namespaces on exit.
vethpair() {
	local a=$1 b=$2 ns
	ip netns add "$b"
	ip link add vA netns "$a" type veth peer name vB netns "$b"
	ip -n "$a" addr add 198.18.0.1/30 dev vA
	ip -n "$b" addr add 198.18.0.2/30 dev vB
	for ns in "$a" "$b"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw \
			net.ipv4.tcp_congestion_control=bbr || true
	done
	ip -n "$a" link set vA up
	ip -n "$b" link set vB up
}
