#!/usr/bin/env bash
# Authentication (iperf3's --username and --rsa-public-key-path on the
# client, --rsa-private-key-path and --authorized-users-path on the
# server), evperf and stock iperf3 ($IPERF3) in every pairing. Keys come
# from openssl genrsa / rsa -pubout in the temp dir, passwords from
# IPERF3_PASSWORD (auth_lib.sh). Stock iperf3 3.16 and older pad with
# PKCS#1 v1.5 only, 3.17 and later with OAEP unless the server has
# --use-pkcs1-padding: evperf takes whichever its peer needs
# (--use-pkcs1-padding, on an evperf client too), and a mismatch is
# refused. Checked:
# - evperf <-> evperf, one -1 server: a wrong password, an unknown user
#   (-J: "error"), no credentials at all and the other padding are each
#   refused with "test authorization failed" (exit 1), none of them
#   counts as the server's one test, and the good client's test runs;
#   PKCS#1 v1.5 on both ends works too (-J);
# - the password prompt (no IPERF3_PASSWORD, on a pseudo-terminal,
#   ptyrun.py): no echo while it is typed, the test runs; Ctrl-C at the
#   prompt ends the client (exit 1) with the terminal's echo back on;
# - stock client -> evperf server: the stock padding works (-J), a wrong
#   password is refused and the -1 server serves on, the other padding is
#   refused;
# - evperf client -> stock server: the stock padding works (-J), a wrong
#   password and the other padding are refused (3.12 says why; 3.21 just
#   closes the control connection, esnet/iperf's refactor a15c64a1);
# - startup: a missing users file or a bad line in it, a key that is not a
#   private key, a missing public key, no password and no terminal, and a
#   username without a key each fail at once with iperf3's text (stock
#   iperf3's where it checks the same at startup), before any connection.
# interop: runs stock iperf3 ($IPERF3); CTest registers it per iperf3 version
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=auth_lib.sh
. "$(dirname "$0")/auth_lib.sh"

need_iperf3
need_auth_evperf
if ! iperf3_has authentication; then
	log "SKIP: $IPERF3 was built without authentication"
	exit 77
fi
auth_setup

AUTH_FAIL="test authorization failed"
SERVER_MSG="parameter error - you must specify a path to a valid RSA private key and a user credential file"
CLIENT_MSG="parameter error - you must specify a username, password, and path to a valid RSA public key"
USERS_MSG="parameter error - cannot access authorized users file"
CTRL_CLOSE="control socket has closed unexpectedly"
# The padding stock iperf3 uses as a client and takes as a server by
# default, as evperf options; the other one.
if iperf3_at_least 3.17; then
	STOCK_PAD=()
	OTHER_PAD=(--use-pkcs1-padding)
else
	STOCK_PAD=(--use-pkcs1-padding)
	OTHER_PAD=()
fi

# serve BIN ARGS...: an authenticating server (-1 unless ARGS say
# otherwise) on a new PORT.
serve() {
	local bin=$1
	shift
	PORT=$(free_port)
	start_server "$bin" -s -p "$PORT" "${AUTH_SERVER[@]}" "$@"
	wait_port "$PORT" "$SERVER_PID"
}

# refused WHAT TEXT: the last auth_client exited 1 saying TEXT (stderr,
# or the "error" of its -J document on stdout).
refused() {
	assert_exit "$1" "$RC" 1
	if jq -e . "$OUT" >/dev/null 2>&1; then
		assert_eq "$1: -J error" "$(json_get "$OUT" .error)" "$2"
	else
		assert_contains "$ERR" "$2"
	fi
	log "$1: refused ($2)"
}

# passed WHAT: the last auth_client's -J test ran and moved data.
passed() {
	assert_exit "$1" "$RC" 0
	assert_one_json "$OUT"
	assert_moved "$1" tcp "$OUT"
	log "$1: ok"
}

# one_document FILE: FILE holds exactly one JSON document.
one_document() {
	assert_eq "JSON documents in $(basename "$1")" "$(jq -s length "$1")" 1
}

# still_serving WHAT: the server has not exited.
still_serving() {
	kill -0 "$SERVER_PID" 2>/dev/null || fail "$1: the server has exited"
}

# server_done WHAT: the -1 server exits 0 after its one test.
server_done() {
	wait_exit "$SERVER_PID" 20
	assert_exit "$1: -1 server" "$EXIT_RC" 0
}

log "evperf client -> evperf server"
serve "$EVPERF" -1
auth_client wrong-pass "$EVPERF" bob wrong
refused "evperf, wrong password" "$AUTH_FAIL"
auth_client unknown-user "$EVPERF" carol secret -J
refused "evperf -J, unknown user" "$AUTH_FAIL"
one_document "$OUT"
RC=0
run_to 30 "$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 >"$E2E_TMP/nocred.out" \
	2>"$E2E_TMP/nocred.err" || RC=$?
OUT=$E2E_TMP/nocred.out ERR=$E2E_TMP/nocred.err
refused "evperf without credentials" "$AUTH_FAIL"
auth_client other-pad "$EVPERF" bob secret --use-pkcs1-padding
refused "evperf, PKCS#1 v1.5 to an OAEP server" "$AUTH_FAIL"
still_serving "after four refusals (-1)"
assert_eq "refusals the server reported" "$(auth_refused_count)" 4
auth_client good "$EVPERF" bob secret -J
passed "evperf, good password"
server_done "evperf"

serve "$EVPERF" -1 --use-pkcs1-padding
auth_client pkcs1 "$EVPERF" alice wonderland -J --use-pkcs1-padding
passed "evperf, PKCS#1 v1.5 on both ends"
server_done "evperf, PKCS#1 v1.5"

log "password prompt (no IPERF3_PASSWORD, a pseudo-terminal)"
serve "$EVPERF"
# prompt ANSWER: ptyrun.py's JSON report of an evperf client that asks.
prompt() {
	(
		unset IPERF3_PASSWORD
		run_to 60 python3 "$E2E_DIR/ptyrun.py" --answer "$1" -- \
			"$EVPERF" -c 127.0.0.1 -p "$PORT" -t 1 --username bob \
			--rsa-public-key-path "$AUTH_PUB"
	)
}
prompt 'secret\n' >"$E2E_TMP/pty_good.json"
assert_eq "prompt: asked" "$(json_get "$E2E_TMP/pty_good.json" .prompted)" true
assert_eq "prompt: echo while typing" \
	"$(json_get "$E2E_TMP/pty_good.json" .echo_at_prompt)" false
assert_eq "prompt: exit status" "$(json_get "$E2E_TMP/pty_good.json" .rc)" 0
json_get "$E2E_TMP/pty_good.json" .output >"$E2E_TMP/pty_good.out"
assert_contains "$E2E_TMP/pty_good.out" "iperf Done."
! grep -q secret "$E2E_TMP/pty_good.out" || fail "prompt: the password was echoed"
prompt '\x03' >"$E2E_TMP/pty_intr.json"
assert_eq "prompt, Ctrl-C: exit status" \
	"$(json_get "$E2E_TMP/pty_intr.json" .rc)" 1
assert_eq "prompt, Ctrl-C: echo restored" \
	"$(json_get "$E2E_TMP/pty_intr.json" .echo_after)" true
json_get "$E2E_TMP/pty_intr.json" .output >"$E2E_TMP/pty_intr.out"
assert_contains "$E2E_TMP/pty_intr.out" "$CLIENT_MSG (reading the password: interrupted)"
still_serving "after the prompted clients"
log "password prompt: ok"

log "$IPERF3_VERSION client -> evperf server"
serve "$EVPERF" -1 "${STOCK_PAD[@]}"
auth_client stock-wrong "$IPERF3" bob wrong
refused "iperf3 $IPERF3_VERSION, wrong password" "$AUTH_FAIL"
still_serving "iperf3 $IPERF3_VERSION refused (-1)"
auth_client stock-good "$IPERF3" bob secret -J
passed "iperf3 $IPERF3_VERSION, good password ${STOCK_PAD[*]:-(OAEP)}"
server_done "iperf3 $IPERF3_VERSION client"

serve "$EVPERF" "${OTHER_PAD[@]}"
auth_client stock-other-pad "$IPERF3" bob secret
refused "iperf3 $IPERF3_VERSION to an evperf server ${OTHER_PAD[*]:-(OAEP)}" \
	"$AUTH_FAIL"
still_serving "iperf3 $IPERF3_VERSION, other padding"

log "evperf client -> $IPERF3_VERSION server"
serve "$IPERF3" -1
auth_client to-stock "$EVPERF" bob secret -J "${STOCK_PAD[@]}"
passed "evperf ${STOCK_PAD[*]:-(OAEP)} to iperf3 $IPERF3_VERSION"
server_done "iperf3 $IPERF3_VERSION server"

# No -1: iperf3 3.21 ends a -1 server on an authentication failure.
serve "$IPERF3"
# 3.12 tells the client (SERVER_ERROR, IEAUTHTEST); 3.21 only closes.
STOCK_SAYS=$AUTH_FAIL
iperf3_at_least 3.21 && STOCK_SAYS=$CTRL_CLOSE
auth_client to-stock-wrong "$EVPERF" bob wrong "${STOCK_PAD[@]}"
refused "evperf to iperf3 $IPERF3_VERSION, wrong password" "$STOCK_SAYS"
auth_client to-stock-wrong-json "$EVPERF" bob wrong -J "${STOCK_PAD[@]}"
refused "evperf -J to iperf3 $IPERF3_VERSION, wrong password" "$STOCK_SAYS"
one_document "$OUT"
auth_client to-stock-other-pad "$EVPERF" bob secret "${OTHER_PAD[@]}"
refused "evperf ${OTHER_PAD[*]:-(OAEP)} to iperf3 $IPERF3_VERSION" \
	"$STOCK_SAYS"
still_serving "iperf3 $IPERF3_VERSION server"

log "startup errors"
NOPORT=$(free_port)

# startup WHAT TEXT [ENV=VALUE...] -- BIN ARGS...: BIN fails at once
# (exit 1, within 10 s, stdin not a terminal) saying TEXT on stderr;
# with a server, nothing ever listens on NOPORT.
startup() {
	local what=$1 text=$2 rc=0 err=$E2E_TMP/startup.err
	shift 2
	local envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	run_to 10 env "${envs[@]}" "$@" >/dev/null 2>"$err" </dev/null || rc=$?
	assert_exit "$what" "$rc" 1
	assert_contains "$err" "$text"
	[ -z "$(ss -Hltn "sport = :$NOPORT")" ] ||
		fail "$what: something listens on $NOPORT"
	log "$what: '$(head -n 1 "$err")'"
}

printf 'bob,%s\nbob;%s\n' "$(auth_hash bob secret)" "$(auth_hash bob x)" \
	>"$E2E_TMP/bad_users"
for bin in "$EVPERF" "$IPERF3"; do
	name=$(basename "$bin")
	startup "$name: public key as the private key" "$SERVER_MSG" -- \
		"$bin" -s -p "$NOPORT" --rsa-private-key-path "$AUTH_PUB" \
		--authorized-users-path "$AUTH_USERS"
	startup "$name: missing public key" "$CLIENT_MSG" IPERF3_PASSWORD=x -- \
		"$bin" -c 127.0.0.1 -p "$NOPORT" --username bob \
		--rsa-public-key-path "$E2E_TMP/missing.pem"
	startup "$name: no password, no terminal" "$CLIENT_MSG" -- \
		"$bin" -c 127.0.0.1 -p "$NOPORT" --username bob \
		--rsa-public-key-path "$AUTH_PUB"
	startup "$name: username without a key" "$CLIENT_MSG" IPERF3_PASSWORD=x -- \
		"$bin" -c 127.0.0.1 -p "$NOPORT" --username bob
done
# iperf3 3.12 only finds a missing users file at the first client.
startup "evperf: missing users file" "$USERS_MSG (" -- \
	"$EVPERF" -s -p "$NOPORT" --rsa-private-key-path "$AUTH_KEY" \
	--authorized-users-path "$E2E_TMP/missing.csv"
startup "evperf: a bad line in the users file" "bad_users line 2:" -- \
	"$EVPERF" -s -p "$NOPORT" --rsa-private-key-path "$AUTH_KEY" \
	--authorized-users-path "$E2E_TMP/bad_users"
startup "evperf: no password, no terminal (why)" \
	"standard input is not a terminal" -- \
	"$EVPERF" -c 127.0.0.1 -p "$NOPORT" --username bob \
	--rsa-public-key-path "$AUTH_PUB"
RC=0
IPERF3_PASSWORD=x run_to 10 "$EVPERF" -c 127.0.0.1 -p "$NOPORT" -J \
	--username bob --rsa-public-key-path "$E2E_TMP/missing.pem" \
	>"$E2E_TMP/startup.json" 2>&1 || RC=$?
assert_exit "evperf -J: missing public key" "$RC" 1
assert_contains "$E2E_TMP/startup.json" '"error":'
jq -r .error "$E2E_TMP/startup.json" | grep -qF "$CLIENT_MSG" ||
	fail "evperf -J: missing public key: no '$CLIENT_MSG' in .error"
log "ok"
