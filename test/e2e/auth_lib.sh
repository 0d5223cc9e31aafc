# shellcheck shell=bash
# Helpers for the authentication scenarios (t_auth.sh, t_bad_authtoken.sh),
# sourced after lib.sh. auth_setup makes a 2048-bit RSA key pair in the
# test's temp dir with `openssl genrsa` and `openssl rsa -pubout`, and a
# users file with two users (bob/secret, alice/wonderland) in iperf3's
# format: "username,sha256hex" where the hash is SHA-256 of
# "{username}password". auth_token makes a token the way an iperf3 client
# does, but with the openssl CLI and a plaintext of the script's choosing
# (any user, password and time), so the server's checks can be driven one
# by one. Scripts skip (77) when evperf was built without OpenSSL.

need_cmd openssl base64 sha256sum

# need_auth_evperf: skip unless $EVPERF can authenticate.
need_auth_evperf() {
	local out
	out=$(IPERF3_PASSWORD=x run_to 10 "$EVPERF" -c 127.0.0.1 -p 1 \
		--username u --rsa-public-key-path /nonexistent 2>&1) || true
	if [[ $out == *"not available in this build"* ]]; then
		log "SKIP: evperf was built without OpenSSL"
		exit 77
	fi
}

# auth_hash USER PASS: the users file's hash of USER's password.
auth_hash() {
	printf '{%s}%s' "$1" "$2" | sha256sum | cut -d' ' -f1
}

# auth_setup: AUTH_KEY, AUTH_PUB, AUTH_USERS and AUTH_SERVER (the server's
# options for them).
# shellcheck disable=SC2034 # AUTH_SERVER is read by the scenario scripts
auth_setup() {
	AUTH_KEY=$E2E_TMP/auth_priv.pem
	AUTH_PUB=$E2E_TMP/auth_pub.pem
	AUTH_USERS=$E2E_TMP/auth_users.csv
	openssl genrsa -out "$AUTH_KEY" 2048 2>/dev/null ||
		fail "openssl genrsa failed"
	openssl rsa -in "$AUTH_KEY" -pubout -out "$AUTH_PUB" 2>/dev/null ||
		fail "openssl rsa -pubout failed"
	{
		echo "# evperf e2e users"
		echo "bob,$(auth_hash bob secret)"
		echo
		echo "alice,$(auth_hash alice wonderland)"
	} >"$AUTH_USERS"
	AUTH_SERVER=(--rsa-private-key-path "$AUTH_KEY"
		--authorized-users-path "$AUTH_USERS")
}

# auth_token PADDING USER PASS TS FILE [PUBKEY]: an iperf3 token for that
# text ("user: U\npwd:  P\nts:   T"), PADDING oaep (iperf3 3.17+) or pkcs1
# (3.16 and older), encrypted with PUBKEY (default AUTH_PUB), base64 on
# one line without a newline, into FILE.
auth_token() {
	printf 'user: %s\npwd:  %s\nts:   %s' "$2" "$3" "$4" |
		openssl pkeyutl -encrypt -pubin -inkey "${6:-$AUTH_PUB}" \
			-pkeyopt "rsa_padding_mode:$1" | base64 -w0 >"$5" ||
		fail "openssl pkeyutl -encrypt failed"
}

# auth_client NAME BIN USER PASS ARGS...: one client test (-t 1) against
# $PORT as USER with password PASS (IPERF3_PASSWORD); sets RC, OUT, ERR.
# shellcheck disable=SC2034 # RC is read by the scenario scripts
auth_client() {
	local name=$1 bin=$2 user=$3 pass=$4
	shift 4
	AUTH_N=$((${AUTH_N:-0} + 1))
	OUT=$E2E_TMP/c$AUTH_N-$name.out
	ERR=$E2E_TMP/c$AUTH_N-$name.err
	RC=0
	IPERF3_PASSWORD=$pass run_to 60 "$bin" -c 127.0.0.1 -p "$PORT" -t 1 \
		--username "$user" --rsa-public-key-path "$AUTH_PUB" "$@" \
		>"$OUT" 2>"$ERR" </dev/null || RC=$?
}

# auth_refused_count: lines of the server's output that say a client
# failed authentication.
auth_refused_count() {
	cat "$SERVER_OUT" "$SERVER_ERR" | grep -c 'test authorization failed' ||
		true
}
