#!/usr/bin/env bash
# Bad input: authentication tokens from a raw peer (rawpeer.py authtoken)
# to evperf servers with authentication, started without -1: one with
# OAEP (the default), one with --use-pkcs1-padding, one with
# --time-skew-threshold 100. Tokens made here with the openssl CLI
# (auth_lib.sh) drive each check: a good one is accepted (CREATE_STREAMS);
# one with an old or future time, an unknown user, a wrong password, a
# malformed text, the other padding or another key is refused with
# SERVER_ERROR + IEAUTHTEST (142) and a close, as are no token, garbage,
# base64 of the wrong size, with line breaks or broken padding, binary
# bytes, a NUL and an 8000-character token; a 9000-character one takes
# the parameters over 8 KiB (IERECVPARAMS 114). The server's -d log must
# name the check that failed (its peer is told nothing more). Each server
# stays up, says "test authorization failed" once per refusal, and
# finally runs a real evperf client's authenticated test. Labelled "bad":
# CI runs it in the ASan+UBSan build too.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=auth_lib.sh
. "$(dirname "$0")/auth_lib.sh"

need_auth_evperf
auth_setup

TOK=$E2E_TMP/token
REFUSED=0

# serve [ARGS...]: an authenticating evperf server (no -1; -d, for the
# reasons of its refusals) on a new PORT.
serve() {
	PORT=$(free_port)
	start_server "$EVPERF" -s -d -p "$PORT" "${AUTH_SERVER[@]}" "$@"
	wait_port "$PORT" "$SERVER_PID"
	REFUSED=0
}

# failures REASON: the server's -d lines saying it refused a token for
# REASON (a regex for the end of the line).
failures() {
	grep -Ec "authentication failed.*: $1\$" "$SERVER_ERR" || true
}

# refused WHAT REASON [RAWPEER ARGS...]: the token in $TOK (none with
# --none) is refused with 142 (or --code N) and the connection closed;
# the server's -d log names REASON, the check that failed (not with
# --code: that refusal comes before authentication).
refused() {
	local what=$1 reason=$2 args=(--token-file "$TOK") before
	shift 2
	if [ "${1:-}" = --none ]; then
		args=()
		shift
	fi
	before=$(failures "$reason")
	run_rawpeer authtoken "${args[@]}" --expect refused --wait 5 "$@"
	assert_exit "$what: rawpeer (refused)" "$RAW_RC" 0
	kill -0 "$SERVER_PID" 2>/dev/null || fail "$what: the server has exited"
	if [ "${1:-}" != --code ]; then
		REFUSED=$((REFUSED + 1))
		assert_eq "$what: refusals for '$reason'" \
			"$(failures "$reason")" "$((before + 1))"
	fi
	log "$what: refused (${reason//\\/})"
}

NOTOKEN="no token"
SHAPE="a token of the wrong size or alphabet"
TEXT="no valid text \(wrong key, padding or format\)"
SKEW="time skew over the threshold"
CREDS="unknown user or wrong password"

accepted() {
	run_rawpeer authtoken --token-file "$TOK" --expect accepted
	assert_exit "$1: rawpeer (accepted)" "$RAW_RC" 0
	log "$1: accepted"
}

# raw_text PADDING TEXT: a token of exactly TEXT (printf %b) in $TOK.
raw_text() {
	printf '%b' "$2" | openssl pkeyutl -encrypt -pubin -inkey "$AUTH_PUB" \
		-pkeyopt "rsa_padding_mode:$1" | base64 -w0 >"$TOK"
}

# b64_of_random N [FIRST]: base64 of N random bytes (first byte FIRST,
# two hex digits, so that the number is below the modulus) in $TOK.
b64_of_random() {
	local n=$1
	{
		if [ -n "${2:-}" ]; then
			printf '%b' "\\x$2"
			n=$((n - 1))
		fi
		head -c "$n" /dev/urandom
	} | base64 -w0 >"$TOK"
}

# finish: a real client authenticates and runs a test; the server logged
# every refusal.
finish() {
	auth_client "$1" "$EVPERF" bob secret "${@:2}"
	assert_exit "$1: authenticated evperf client" "$RC" 0
	assert_contains "$OUT" "iperf Done."
	assert_eq "$1: refusals the server reported" "$(auth_refused_count)" \
		"$REFUSED"
}

log "OAEP server"
serve
auth_token oaep bob secret "$(date +%s)" "$TOK"
accepted "good OAEP token (openssl pkeyutl)"
auth_token oaep bob secret "$(($(date +%s) - 5))" "$TOK"
accepted "token 5 s old (threshold 10)"
auth_token oaep bob secret "$(($(date +%s) - 60))" "$TOK"
refused "token 60 s old" "$SKEW"
auth_token oaep bob secret "$(($(date +%s) + 60))" "$TOK"
refused "token 60 s ahead" "$SKEW"
auth_token oaep carol secret "$(date +%s)" "$TOK"
refused "unknown user" "$CREDS"
auth_token oaep bob wrong "$(date +%s)" "$TOK"
refused "wrong password" "$CREDS"
auth_token oaep alice secret "$(date +%s)" "$TOK"
refused "another user's password" "$CREDS"
auth_token pkcs1 bob secret "$(date +%s)" "$TOK"
refused "PKCS#1 v1.5 token to an OAEP server" "$TEXT"
openssl genrsa -out "$E2E_TMP/other.pem" 2048 2>/dev/null
openssl rsa -in "$E2E_TMP/other.pem" -pubout -out "$E2E_TMP/other_pub.pem" \
	2>/dev/null
auth_token oaep bob secret "$(date +%s)" "$TOK" "$E2E_TMP/other_pub.pem"
refused "token for another key" "$TEXT"
raw_text oaep "user: bob\npwd:  secret"
refused "text without a time" "$TEXT"
raw_text oaep "user: bob\npwd:  secret\nts:   $(date +%s)x"
refused "time with a suffix" "$TEXT"
raw_text oaep "user: bob\npwd:  secret\nts:   $(date +%s)\n"
refused "newline after the time" "$TEXT"
raw_text oaep "user:bob\npwd:secret\nts:$(date +%s)"
refused "text without iperf3's spaces" "$TEXT"
raw_text oaep ""
refused "empty text" "$TEXT"
refused "no token at all" "$NOTOKEN" --none
printf '%s' 'not base64 at all!' >"$TOK"
refused "garbage" "$SHAPE"
printf '' >"$TOK"
refused "empty token" "$SHAPE"
b64_of_random 16
refused "base64 of 16 bytes" "$SHAPE"
b64_of_random 256
refused "base64 of 256 random bytes" "$TEXT"
b64_of_random 256 00
refused "256 random bytes below the modulus" "$TEXT"
auth_token oaep bob secret "$(date +%s)" "$TOK"
base64 -d "$TOK" | base64 -w 64 >"$E2E_TMP/wrapped"
cp "$E2E_TMP/wrapped" "$TOK"
refused "good token with line breaks" "$SHAPE"
auth_token oaep bob secret "$(date +%s)" "$TOK"
sed -i 's/==$/A=/' "$TOK"
refused "good token with broken padding" "$SHAPE"
head -c 400 /dev/urandom >"$TOK"
refused "binary bytes" "$SHAPE"
printf 'AAAA\0AAAA' >"$TOK"
refused "a NUL in the token" "$SHAPE"
head -c 8000 /dev/zero | tr '\0' A >"$TOK"
refused "8000-character token" "$SHAPE"
head -c 9000 /dev/zero | tr '\0' A >"$TOK"
refused "9000-character token (parameters over 8 KiB)" "" --code 114
finish "OAEP server"

log "PKCS#1 v1.5 server"
serve --use-pkcs1-padding
auth_token pkcs1 bob secret "$(date +%s)" "$TOK"
accepted "good PKCS#1 v1.5 token"
auth_token oaep bob secret "$(date +%s)" "$TOK"
refused "OAEP token to a PKCS#1 v1.5 server" "$TEXT"
raw_text pkcs1 "user: bob\npwd:  secret"
refused "PKCS#1 v1.5 text without a time" "$TEXT"
b64_of_random 256 00
refused "256 random bytes below the modulus (PKCS#1 v1.5)" "$TEXT"
b64_of_random 256 00
refused "another 256 random bytes (PKCS#1 v1.5)" "$TEXT"
auth_token pkcs1 bob wrong "$(date +%s)" "$TOK"
refused "PKCS#1 v1.5 token, wrong password" "$CREDS"
finish "PKCS#1 v1.5 server" --use-pkcs1-padding

log "--time-skew-threshold 100"
serve --time-skew-threshold 100
auth_token oaep bob secret "$(($(date +%s) - 60))" "$TOK"
accepted "token 60 s old (threshold 100)"
auth_token oaep bob secret "$(($(date +%s) - 200))" "$TOK"
refused "token 200 s old (threshold 100)" "$SKEW"
finish "--time-skew-threshold 100"
