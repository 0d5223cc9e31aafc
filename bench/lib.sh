# shellcheck shell=bash
# Helpers shared by bench.sh and many.sh: a free loopback port, waiting
# for a server to listen, and the figures of GNU time -v output.

# free_port: a TCP port free on 127.0.0.1 right now.
free_port() {
	timeout 10 python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# wait_port PORT PID: until PORT listens (~10 s); 1 if PID died first.
wait_port() {
	local port=$1 pid=$2 i
	for ((i = 0; i < 100; i++)); do
		[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# time_field FILE LABEL: a value from GNU time -v output.
time_field() {
	awk -F': ' -v k="$2" '$1 ~ "^[[:space:]]*" k "$" { print $2 }' "$1"
}

# cpu_s FILE: user + system seconds.
cpu_s() {
	awk -v u="$(time_field "$1" 'User time \(seconds\)')" \
		-v s="$(time_field "$1" 'System time \(seconds\)')" \
		'BEGIN { printf "%.2f", u + s }'
}

# rss_mb FILE: peak resident set size in MB.
rss_mb() {
	awk -v k="$(time_field "$1" 'Maximum resident set size \(kbytes\)')" \
		'BEGIN { printf "%.1f", k / 1024 }'
}

# machine_busy: CPU seconds the whole machine has been busy since boot
# (/proc/stat: user, nice, system, irq, softirq; not idle, iowait or
# steal). The difference over a run counts what the processes' own times
# miss: network softirq work done on another CPU, kernel threads.
machine_busy() {
	awk -v hz="$(getconf CLK_TCK)" '/^cpu / {
		printf "%.2f\n", ($2 + $3 + $4 + $7 + $8) / hz; exit }' /proc/stat
}
