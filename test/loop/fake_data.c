/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * fake_data.c: the fake peer's data connections. A fake server accepts
 * them only during a FAKE_ACCEPT step (its listener is disabled
 * otherwise, so a test decides exactly when the kernel's queue is read)
 * and checks each cookie (and reads the role flag after it, once it sent
 * the confirmation, taking the role and stream number it names); a fake
 * client opens them one after another in the order the test chose (or
 * all at once, fk->burst), writing the cookie and, once the server
 * confirmed the role flag, the flag. Every connection then counts what arrives on it until EOF;
 * payload goes out only in FAKE_DATA_OUT.
 */
#include "compat.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fake.h"

#define FAKE_READS 16 /* reads per callback */

/* How many data connections the test has (client side). */
int
fake_total_conns(const struct fake *fk)
{
	return fk->params.bidir ? 2 * fk->params.parallel : fk->params.parallel;
}

/* Client connection c: -P senders first, then -P receivers (as iperf3). */
bool
fake_client_sends(const struct fake *fk, int c)
{
	if (fk->params.bidir)
		return c < fk->params.parallel;
	return !fk->params.reverse;
}

bool
fake_conns_closed(const struct fake *fk)
{
	int c;

	for (c = 0; c < FAKE_MAX_CONNS; c++)
		if (fk->conns[c].ready && !fk->conns[c].eof)
			return false;
	return true;
}

/* Events, then descriptors, of every data connection. */
void
fake_conns_free(struct fake *fk)
{
	struct fake_conn *fc;
	int c;

	for (c = 0; c < FAKE_MAX_CONNS; c++) {
		fc = &fk->conns[c];
		if (fc->ev != NULL)
			event_free(fc->ev);
		if (fc->fd != -1)
			close(fc->fd);
		fc->ev = NULL;
		fc->fd = -1;
	}
}

/* Server: what the role flag names, as the real server reads it. */
static void
fake_conn_flag(struct fake_conn *fc)
{
	struct fake *fk = fc->fk;
	const unsigned char *p = (const unsigned char *)fc->cookie;
	bool client_sends;
	int idx;

	fc->flag = p[COOKIE_SIZE];
	if (fk->role_width == 2)
		fc->flag = fc->flag << 8 | p[COOKIE_SIZE + 1];
	idx = proto_role_decode(
	    (unsigned int)fc->flag, fk->role_width, &client_sends);
	fc->we_send = !client_sends;
	fc->k =
	    fk->params.bidir && !client_sends ? fk->params.parallel + idx : idx;
}

/*
 * Server: the cookie (and role flag) come first. 1: read and matched,
 * 0: wait, -1: EOF.
 */
static int
fake_conn_cookie(struct fake_conn *fc)
{
	struct fake *fk = fc->fk;
	size_t want = COOKIE_SIZE + (size_t)fk->role_width;
	ssize_t n;

	while (fc->cookie_got < want) {
		n = recv(fc->fd, fc->cookie + fc->cookie_got,
		    want - fc->cookie_got, 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			errno = n == 0 ? 0 : errno;
			return -1;
		}
		fc->cookie_got += (size_t)n;
	}
	if (memcmp(fc->cookie, fk->cookie, COOKIE_SIZE) != 0)
		fake_fail(fk, "data connection %d: wrong cookie", fc->c);
	if (fk->role_width > 0)
		fake_conn_flag(fc);
	fc->ready = true;
	return 1;
}

static void
fake_conn_ended(struct fake_conn *fc, int err)
{
	fc->eof = true;
	fc->err = err;
	event_del(fc->ev);
}

static void
fake_conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_conn *fc = arg;
	struct fake *fk = fc->fk;
	ssize_t n = -1;
	int i, rc;

	if (fk->server && !fc->ready && (rc = fake_conn_cookie(fc)) <= 0) {
		if (rc < 0)
			fake_conn_ended(fc, errno);
		fake_step(fk);
		return;
	}
	for (i = 0; i < FAKE_READS; i++) {
		if ((n = recv(fd, fk->scratch, FAKE_SCRATCH, 0)) <= 0)
			break;
		fc->rx += (uint64_t)n;
	}
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
		fake_conn_ended(fc, n == -1 ? errno : 0);
	fake_step(fk);
}

static void
fake_conn_watch(struct fake_conn *fc)
{
	fc->ev = event_new(
	    fc->fk->base, fc->fd, EV_READ | EV_PERSIST, fake_conn_read_cb, fc);
	event_add(fc->ev, NULL);
}

/* The first connection is the control one; the rest carry data. */
void
fake_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct fake *fk = arg;
	struct fake_conn *fc;
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	if (fk->ctl == NULL && !fk->ctl_eof) {
		fake_ctl_attach(fk, fd);
		evconnlistener_disable(lev);
		fake_step(fk);
		return;
	}
	if (fk->nconns == FAKE_MAX_CONNS) {
		close(fd);
		fake_fail(fk, "too many data connections");
		return;
	}
	fc = &fk->conns[fk->nconns++];
	fc->fd = fd;
	fc->port = ntohs(sin->sin_port);
	fake_conn_watch(fc);
}

/* Server: let the kernel's queue in now, until .arg cookies matched. */
enum fake_rc
fake_op_accept(struct fake *fk, const struct fake_step *st)
{
	int c, ready = 0;

	/* No listener now (fake_unlisten): fake_relisten() enables it. */
	if (fk->sub == 0) {
		if (fk->lev != NULL)
			evconnlistener_enable(fk->lev);
		fk->sub = 1;
	}
	for (c = 0; c < FAKE_MAX_CONNS; c++)
		ready += fk->conns[c].ready;
	if (ready < st->arg)
		return FAKE_WAIT;
	if (fk->lev != NULL)
		evconnlistener_disable(fk->lev);
	return FAKE_NEXT;
}

/* The cookie, then the role flag when the server confirmed it. */
static void
fake_send_cookie(struct fake_conn *fc)
{
	struct fake *fk = fc->fk;
	unsigned char buf[COOKIE_SIZE + PROTO_ROLE_MAX_LEN];
	size_t len = COOKIE_SIZE;
	int idx = fc->c;

	memcpy(buf, fk->cookie, COOKIE_SIZE);
	if (fk->role_width > 0) {
		if (fk->params.bidir && !fc->we_send)
			idx -= fk->params.parallel;
		proto_role_encode(buf + len, fk->role_width, fc->we_send, idx);
		len += (size_t)fk->role_width;
	}
	if (send(fc->fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		fake_fail(fk, "data connection %d: cookie not sent", fc->c);
}

static void
fake_connected_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_conn *fc = arg;
	int err = 0;
	socklen_t len = sizeof(err);

	event_free(fc->ev);
	fc->ev = NULL;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err != 0) {
		fake_fail(
		    fc->fk, "data connection %d: %s", fc->c, strerror(err));
		return;
	}
	fake_send_cookie(fc);
	fc->ready = true;
	fake_conn_watch(fc);
	fake_step(fc->fk);
}

/* Start connecting the next connection in fk->order; NULL if it failed. */
static struct fake_conn *
fake_conn_open(struct fake *fk, int type)
{
	struct fake_conn *fc = &fk->conns[fk->order[fk->nconns++]];
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)fk->port);
	fc->we_send = fake_client_sends(fk, fc->c);
	fc->fd = socket(AF_INET, type, 0);
	if (fc->fd == -1 ||
	    (connect(fc->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
		errno != EINPROGRESS)) {
		fake_fail(fk, "data connection %d: %s", fc->c, strerror(errno));
		return NULL;
	}
	return fc;
}

static void
fake_connect_next(struct fake *fk)
{
	struct fake_conn *fc = fake_conn_open(fk, SOCK_STREAM | SOCK_NONBLOCK);

	if (fc == NULL)
		return;
	fc->ev = event_new(fk->base, fc->fd, EV_WRITE, fake_connected_cb, fc);
	event_add(fc->ev, NULL);
}

/*
 * fk->burst: every connection now, inside this one callback. Each
 * connect() blocks until loopback's handshake is done and its cookie is
 * written before the next one starts, so the peer's accept queue holds
 * them in creation order, every cookie already in, when its loop next
 * runs.
 */
static void
fake_connect_burst(struct fake *fk, int total)
{
	struct fake_conn *fc;

	while (fk->nconns < total && fk->fail[0] == '\0') {
		if ((fc = fake_conn_open(fk, SOCK_STREAM)) == NULL)
			return;
		if (evutil_make_socket_nonblocking(fc->fd) == -1) {
			fake_fail(fk, "data connection %d: nonblock", fc->c);
			return;
		}
		fake_send_cookie(fc);
		fc->ready = true;
		fake_conn_watch(fc);
	}
}

/*
 * Client: strictly one connection after another, as a stock client;
 * with fk->burst all at once.
 */
enum fake_rc
fake_op_connect(struct fake *fk, const struct fake_step *st)
{
	int total = fake_total_conns(fk) + fk->extra, k, ready = 0;

	if (fk->burst)
		fake_connect_burst(fk, total);
	for (k = 0; k < fk->nconns; k++)
		ready += fk->conns[fk->order[k]].ready;
	if (ready == total)
		return FAKE_NEXT;
	if (ready == fk->nconns)
		fake_connect_next(fk);
	return FAKE_WAIT;
}

enum fake_rc
fake_op_data_out(struct fake *fk, const struct fake_step *st)
{
	struct fake_conn *fc;
	size_t len;
	int c;

	for (c = 0; c < FAKE_MAX_CONNS; c++) {
		fc = &fk->conns[c];
		if (!fc->ready || !fc->we_send || fk->payload[c] == 0)
			continue;
		len = (size_t)fk->payload[c];
		if (len > FAKE_SCRATCH ||
		    send(fc->fd, fk->scratch, len, MSG_NOSIGNAL) !=
			(ssize_t)len) {
			fake_fail(fk, "data connection %d: short write", c);
			return FAKE_WAIT;
		}
		fc->tx += len;
	}
	return FAKE_NEXT;
}

enum fake_rc
fake_op_data_wait(struct fake *fk, const struct fake_step *st)
{
	struct fake_conn *fc;
	int c;

	for (c = 0; c < FAKE_MAX_CONNS; c++) {
		fc = &fk->conns[c];
		if (!fc->ready || fc->we_send || fc->rx >= (uint64_t)st->arg)
			continue;
		if (fc->eof)
			fake_fail(fk, "data connection %d closed early", c);
		return FAKE_WAIT;
	}
	return FAKE_NEXT;
}

/*
 * Whichever connection the peer sends on: for a test that checks which
 * one it picked, and must not wait forever on the wrong one.
 */
enum fake_rc
fake_op_data_any(struct fake *fk, const struct fake_step *st)
{
	int c;

	for (c = 0; c < FAKE_MAX_CONNS; c++)
		if (fk->conns[c].ready && fk->conns[c].rx >= (uint64_t)st->arg)
			return FAKE_NEXT;
	if (fake_conns_closed(fk))
		fake_fail(fk, "every data connection closed, none read");
	return FAKE_WAIT;
}

/* A reset, not a close: SO_LINGER {1, 0} makes close() send RST. */
enum fake_rc
fake_op_reset(struct fake *fk, const struct fake_step *st)
{
	struct fake_conn *fc = &fk->conns[st->arg];
	struct linger lg = { 1, 0 };

	if (fc->fd == -1) {
		fake_fail(fk, "data connection %d is not open", st->arg);
		return FAKE_WAIT;
	}
	if (fc->ev != NULL)
		event_free(fc->ev);
	fc->ev = NULL;
	setsockopt(fc->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fc->fd);
	fc->fd = -1;
	fc->eof = true;
	return FAKE_NEXT;
}
