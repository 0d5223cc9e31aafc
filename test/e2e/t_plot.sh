#!/usr/bin/env bash
# tools/evperf-plot on every recorded kind of document (test/data/plot/:
# evperf and stock iperf3 -J documents, --json-stream lines, failed tests,
# UDP, --bidir, -P 1000, a -J server's concatenated documents, --latency,
# --rr and --crr documents, real and hand-made) and on a live evperf test.
# Each is rendered to PNG with --manifest, one of each kind also to SVG
# (render_both): the PNG must be whole (signature, IHDR, CRCs, IEND), the
# SVG must parse as XML and show every series the manifest lists, both
# manifests must agree, and the panels and series must be the ones that
# kind of document calls for. Also: stdin,
# --title, --test, -o - and bad input (not JSON, empty, JSON that is no
# iperf3 document, a missing file), which must fail with exit status 1 and
# one clear line, never a Python traceback. Skips (77) only when no
# python3 with matplotlib is found (Debian: python3-matplotlib; CI installs
# it). Nothing here depends on timing.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PLOT=$(cd "$E2E_DIR/../../tools" && pwd)/evperf-plot
DATA=$(cd "$E2E_DIR/../data/plot" && pwd)
CHECK=$E2E_DIR/plot_check.py

# The python3 that has matplotlib: the one in PATH, else Debian's (a
# python3 in PATH from pyenv or a venv may lack Debian's packages).
PY=
for c in python3 /usr/bin/python3; do
	if p=$(command -v "$c") && "$p" -c 'import matplotlib' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	log "SKIP: no python3 with matplotlib (Debian: apt-get install python3-matplotlib)"
	exit 77
fi
log "python: $PY"
[ -x "$PLOT" ] || fail "$PLOT is not executable"
assert_eq "evperf-plot's first line" "$(head -n 1 "$PLOT")" "#!/usr/bin/env python3"

# matplotlib's configuration and font cache of this run only: its notes
# (such as building the font cache) never reach an evperf-plot's stderr.
export MPLCONFIGDIR=$E2E_TMP/matplotlib
mkdir -p "$MPLCONFIGDIR"
"$PY" -c 'import matplotlib.font_manager' >/dev/null 2>&1 ||
	fail "$PY cannot load matplotlib's font manager"

plot() {
	run_to 120 "$PY" "$PLOT" "$@"
}

# no_traceback WHAT FILE: FILE (a stderr) has no Python traceback.
no_traceback() {
	if grep -q '^Traceback' "$2"; then
		fail "$1: Python traceback on stderr"
	fi
}

# render NAME FILE [OPTIONS...]: FILE to NAME.png with its manifest
# (NAME.png.json), the picture checked. Sets M to the manifest. With
# FORMATS="png svg" (render_both) also NAME.svg, checked, and the two
# manifests must agree.
render() {
	local name=$1 file=$2 fmt rc out
	shift 2
	for fmt in ${FORMATS:-png}; do
		rc=0
		plot "$file" -o "$E2E_TMP/$name.$fmt" \
			--manifest "$E2E_TMP/$name.$fmt.json" "$@" \
			2>"$E2E_TMP/$name.$fmt.err" || rc=$?
		no_traceback "$name ($fmt)" "$E2E_TMP/$name.$fmt.err"
		assert_exit "evperf-plot $(basename "$file") $* -o $name.$fmt" "$rc" 0
		jq -e . "$E2E_TMP/$name.$fmt.json" >/dev/null ||
			fail "$name: the $fmt manifest is not JSON"
	done
	out=$("$PY" "$CHECK" png "$E2E_TMP/$name.png") || fail "$out"
	M=$E2E_TMP/$name.png.json
	[ -e "$E2E_TMP/$name.svg.json" ] || return 0
	out=$("$PY" "$CHECK" svg "$E2E_TMP/$name.svg" "$E2E_TMP/$name.svg.json") ||
		fail "$out"
	assert_eq "$name: the PNG and SVG manifests" \
		"$(jq -S 'del(.output, .format)' "$E2E_TMP/$name.png.json")" \
		"$(jq -S 'del(.output, .format)' "$E2E_TMP/$name.svg.json")"
	assert_eq "$name: manifest format" \
		"$(jq -r .format "$E2E_TMP/$name.svg.json")" svg
}

# render_both NAME FILE [OPTIONS...]: render, as PNG and as SVG (one
# document of each kind: SVG costs as much again).
render_both() {
	FORMATS="png svg" render "$@"
}

# expect WHAT JQ: the last render's manifest satisfies the jq filter.
expect() {
	jq -e "$2" "$M" >/dev/null ||
		fail "$1: manifest fails '$2': $(jq -c '{panels, series, error, title, notes}' "$M")"
}

# panels WHAT P1,P2,...: the last render drew exactly these panels.
panels() {
	assert_eq "$1: panels" "$(jq -r '.panels | join(",")' "$M")" "$2"
}

# series WHAT PANEL S1|S2|...: exactly these series in PANEL, in order.
series() {
	assert_eq "$1: $2 series" \
		"$(jq -r --arg p "$2" '.series[$p] | join("|")' "$M")" "$3"
}

LAT="min–max|median–p99|median–p90|median"

# --- evperf TCP -P 2: the sum and each stream, title from the test
render_both p2 "$DATA/evperf_tcp_p2.json"
panels p2 throughput
series p2 throughput "sum|stream 8|stream 9"
assert_eq "p2: title" "$(jq -r .title "$M")" \
	"TCP · 2 streams · client sends · 3 s · to 127.0.0.1"
expect p2 '.input == "json" and .tests == 1 and .error == null and
	.intervals == 3 and .streams == 2 and .units.throughput == "Gbit/s"'

# --- the same with retransmits
render p2r "$DATA/evperf_tcp_p2.json" --retransmits
panels p2r throughput,retransmits
series p2r retransmits retransmits

# --- -R: one stream, its line is the sum
render rev "$DATA/evperf_tcp_reverse.json"
series rev throughput sum
expect rev '.title | contains("reverse: server sends")'

# --- --bidir -P 2: both directions' sums and all four streams
render_both bidir "$DATA/evperf_tcp_bidir.json"
panels bidir throughput
series bidir throughput \
	"sum client→server|sum server→client|stream 8|stream 9|stream 11|stream 12"
expect bidir '.title | contains("bidirectional")'

# --- --bidir -P 10: too many stream lines, so a spread per direction
render bidir10 "$DATA/evperf_tcp_bidir_p10.json"
panels bidir10 throughput,streams
series bidir10 throughput "sum client→server|sum server→client"
series bidir10 streams "min–max client→server|p10–p90 client→server|median client→server|min–max server→client|p10–p90 server→client|median server→client"
expect bidir10 '.notes.streams == "20 streams"'

# --- -P 1000: the sum, and the spread of 1000 per-stream rates
render_both p1000 "$DATA/evperf_tcp_p1000.json"
panels p1000 throughput,streams
series p1000 throughput sum
series p1000 streams "min–max|p10–p90|median"
expect p1000 '.streams == 1000 and .units.streams == "Mbit/s"'
# --max-streams 0 asks for the spread whatever the number of streams
render p2spread "$DATA/evperf_tcp_p2.json" --max-streams 0
panels p2spread throughput,streams

# --- UDP: loss and jitter per interval from the receiving end (here the
# server's document inside the client's, --get-server-output)
render_both udp "$DATA/evperf_udp.json"
panels udp throughput,loss,jitter
series udp loss loss
series udp jitter jitter
expect udp '.title | startswith("UDP · 1 stream")'
render udpr "$DATA/evperf_udp_reverse.json"
panels udpr throughput,loss,jitter
series udpr throughput "sum|stream 8|stream 9"
series udpr loss loss

# --- iperf3 3.21's --bidir UDP document: its own receiving direction per
# interval, the other from the end's totals
render udpbidir "$DATA/iperf3-3.21_udp_bidir.json"
panels udpbidir throughput,loss,jitter
series udpbidir throughput "sum client→server|sum server→client"
series udpbidir loss "loss client→server (whole test)|loss server→client"
series udpbidir jitter "jitter client→server (whole test)|jitter server→client"

# --- iperf3 3.12's document
render i312 "$DATA/iperf3-3.12_tcp_p2.json"
panels i312 throughput
series i312 throughput "sum|stream 5|stream 7"
expect i312 '.title | contains("2 streams")'

# --- --json-stream lines
render stream "$DATA/evperf_tcp_p2_stream.jsonl"
panels stream throughput
series stream throughput "sum|stream 8|stream 9"
expect stream '.input == "json-stream" and .intervals == 3'

# --- failed tests: the error shown, with whatever intervals there are
render refused "$DATA/evperf_error_refused.json"
panels refused throughput
series refused throughput ""
expect refused '(.error | contains("Connection refused")) and .intervals == 0
	and (.title | contains("FAILED"))'
render refused_s "$DATA/evperf_error_refused_stream.jsonl"
expect refused_s '.input == "json-stream" and (.error | contains("Connection refused"))'
render_both midtest "$DATA/evperf_error_midtest.json"
series midtest throughput "sum|stream 8|stream 9"
expect midtest '.error == "control socket has closed unexpectedly" and
	.intervals == 3'
svgtext=$(cat "$E2E_TMP/midtest.svg")
[[ $svgtext == *"control socket has closed unexpectedly"* ]] ||
	fail "midtest: the error text is not in the SVG"

# --- a -J server's output: three documents; the first by default
render srv1 "$DATA/evperf_server_two.json"
expect srv1 '.tests == 3 and .test == 1 and .intervals == 2 and
	(.title | contains("server'"'"'s report"))'
render srv2 "$DATA/evperf_server_two.json" --test 2
expect srv2 '.test == 2 and .intervals == 3 and
	(.title | contains("reverse: server sends"))'
render srv3 "$DATA/evperf_server_two.json" --test 3
expect srv3 '.error == "interrupt - the server has terminated"'

# --- latency (hand-made, issue 15's keys): probe mode beside the bulk
# test, an idle baseline, one interval without samples
render_both probe "$DATA/latency_probe.json"
panels probe throughput,latency
series probe throughput "sum|stream 8|stream 9"
series probe latency "$LAT|idle"
expect probe '.latency_scale == "log" and .notes.latency == "1 gap: no samples"'
expect probe '.title | contains("latency probes TCP 10/s")'
render probe_lin "$DATA/latency_probe.json" --latency-scale linear
expect probe_lin '.latency_scale == "linear"'
render probe_s "$DATA/latency_probe_stream.jsonl"
panels probe_s throughput,latency
series probe_s latency "$LAT|idle"
expect probe_s '.input == "json-stream"'
# request/response: transactions/s instead of throughput; no idle
render_both rr "$DATA/latency_rr.json"
panels rr transactions,latency
series rr transactions "transactions/s"
series rr latency "$LAT"
expect rr '.title | startswith("TCP request/response · 4 connections")'
# connect rate: connections/s
render crr "$DATA/latency_crr.json"
panels crr connections,latency
series crr connections "connections/s"
series crr latency "$LAT|idle"

# --- latency, real: evperf --latency (TCP probes) and a UDP test's probes
render lat_tcp "$DATA/evperf_latency_tcp.json"
panels lat_tcp throughput,latency
series lat_tcp throughput "sum|stream 9|stream 11"
series lat_tcp latency "$LAT|idle"
expect lat_tcp '.title | contains("latency probes TCP 50/s")'
render_both lat_udp "$DATA/evperf_latency_udp_stream.jsonl"
panels lat_udp throughput,latency,loss,jitter
series lat_udp latency "$LAT|idle"
expect lat_udp '.input == "json-stream" and
	(.title | contains("latency probes UDP 50/s"))'

# --- request/response, real: evperf --rr and --crr
render rr_real "$DATA/evperf_rr.json"
panels rr_real transactions,latency
series rr_real latency "$LAT"
expect rr_real '.title | startswith("TCP request/response · 4 connections")'
render crr_real "$DATA/evperf_crr.json"
panels crr_real connections,latency
series crr_real connections "connections/s"

# --- a live evperf test, -J and --json-stream
port=$(free_port)
start_server "$EVPERF" -s -1 -p "$port"
wait_port "$port" "$SERVER_PID"
rc=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$port" -P 2 -t 1 -i 0.5 -J \
	>"$E2E_TMP/live.json" 2>"$E2E_TMP/live.err" || rc=$?
assert_exit "evperf client" "$rc" 0
wait_exit "$SERVER_PID" 20
render live "$E2E_TMP/live.json"
panels live throughput
expect live '.error == null and .intervals >= 2 and
	(.series.throughput | index("sum")) != null and .streams == 2'

# --- stdin (no argument, and "-"), --title, -o - --format svg, --describe
rc=0
plot -o "$E2E_TMP/stdin.png" --manifest "$E2E_TMP/stdin.json" \
	<"$DATA/evperf_tcp_bidir.json" 2>"$E2E_TMP/stdin.err" || rc=$?
assert_exit "evperf-plot <file" "$rc" 0
out=$("$PY" "$CHECK" png "$E2E_TMP/stdin.png") || fail "$out"
assert_eq "stdin: manifest" "$(jq -S 'del(.output)' "$E2E_TMP/stdin.json")" \
	"$(jq -S 'del(.output)' "$E2E_TMP/bidir.png.json")"
rc=0
desc=$(plot - --describe --title "Loopback, two streams" \
	<"$DATA/evperf_tcp_p2_stream.jsonl" 2>"$E2E_TMP/desc.err") || rc=$?
assert_exit "evperf-plot - --describe" "$rc" 0
assert_eq "--describe: title" "$(jq -r .title <<<"$desc")" \
	"Loopback, two streams"
assert_eq "--describe: panels" "$(jq -r '.panels | join(",")' <<<"$desc")" \
	throughput
render titled "$DATA/evperf_tcp_p2.json" --title "Loopback, two streams"
assert_eq "--title" "$(jq -r .title "$M")" "Loopback, two streams"
rc=0
plot "$DATA/evperf_udp.json" -o - --format svg >"$E2E_TMP/stdout.svg" \
	2>"$E2E_TMP/stdout.err" || rc=$?
assert_exit "evperf-plot -o - --format svg" "$rc" 0
plot "$DATA/evperf_udp.json" --manifest "$E2E_TMP/stdout.svg.json" >/dev/null
out=$("$PY" "$CHECK" svg "$E2E_TMP/stdout.svg" "$E2E_TMP/stdout.svg.json") ||
	fail "-o -: $out"

# --- bad input: exit status 1, one line naming the problem, no picture
printf 'iperf3: error - unable to connect\n' >"$E2E_TMP/text.json"
: >"$E2E_TMP/empty.json"
printf '  \n\n' >"$E2E_TMP/blank.json"
printf '{"name": "not iperf3", "values": [1, 2]}\n' >"$E2E_TMP/other.json"
printf '[{"start": {}}]\n' >"$E2E_TMP/array.json"
printf '{"intervals": "none"}\n' >"$E2E_TMP/badtype.json"
head -c 3000 "$DATA/evperf_tcp_p2.json" >"$E2E_TMP/cut.json"
bad() {
	local what=$1 file=$2 want=$3 rc=0 err
	shift 3
	rm -f "$E2E_TMP/bad.png"
	plot "$file" -o "$E2E_TMP/bad.png" "$@" >"$E2E_TMP/bad.out" \
		2>"$E2E_TMP/bad.err" || rc=$?
	assert_exit "bad input: $what" "$rc" 1
	no_traceback "bad input: $what" "$E2E_TMP/bad.err"
	err=$(cat "$E2E_TMP/bad.err")
	[[ $err == "evperf-plot: "*"$want"* ]] ||
		fail "bad input: $what: stderr '$err' lacks '$want'"
	assert_eq "bad input: $what: stderr lines" "$(wc -l <"$E2E_TMP/bad.err")" 1
	[ ! -e "$E2E_TMP/bad.png" ] || fail "bad input: $what: a picture was written"
}
bad "text" "$E2E_TMP/text.json" "not JSON (line 1, column 1"
bad "empty file" "$E2E_TMP/empty.json" "empty input"
bad "blank lines" "$E2E_TMP/blank.json" "empty input"
bad "other JSON" "$E2E_TMP/other.json" \
	"not an iperf3 -J document or --json-stream output"
bad "JSON array" "$E2E_TMP/array.json" \
	"not an iperf3 -J document or --json-stream output (found an array)"
bad "intervals not a list" "$E2E_TMP/badtype.json" "\"intervals\" is not a list"
bad "cut short" "$E2E_TMP/cut.json" "not JSON"
bad "missing file" "$E2E_TMP/nonexistent.json" "No such file or directory"
bad "--test out of range" "$DATA/evperf_tcp_p2.json" \
	"--test 2: the input has 1 test" --test 2
rc=0
plot "$E2E_TMP/empty.json" <"$DATA/evperf_tcp_p2.json" >/dev/null \
	2>"$E2E_TMP/bad.err" || rc=$?
assert_exit "no -o and no --describe (usage error)" "$rc" 2
rc=0
plot "$DATA/evperf_tcp_p2.json" -o "$E2E_TMP/x.gif" >/dev/null \
	2>"$E2E_TMP/bad.err" || rc=$?
assert_exit "-o x.gif (usage error)" "$rc" 2
assert_contains "$E2E_TMP/bad.err" "must end in .png or .svg"

log "PASS"
