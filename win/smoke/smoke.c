/*
 * Copyright (c) 2026, the evperf authors. BSD 3-Clause License.
 *
 * smoke.c: proves that the static Windows libevent and cJSON from
 * win/build-deps.sh link into a self-contained .exe that works: WSAStartup,
 * an event_base, an evconnlistener on 127.0.0.1, a bufferevent connecting
 * to it, one cJSON line each way, a timer to start and one to bound the run.
 * With "-l PORT" (0: any) it skips its own client and serves one line to a
 * peer from outside (the Linux side of a wine run), to show that the
 * sockets are the host's. It prints the libevent version and backend and exits 0 on success.
 * It is a throwaway probe for the build, not part of evperf.
 */

#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

struct smoke {
	struct event_base *base;
	struct evconnlistener *lis;
	struct bufferevent *srv; /* the accepted connection */
	struct bufferevent *cli; /* ours; NULL with -l */
	struct event *start; /* connects 10 ms after the loop starts */
	struct event *deadline;
	struct sockaddr_in sin;
	int serve; /* -l: serve a peer from outside */
	int replied;
	int ok;
};

static void
smoke_fail(struct smoke *s, const char *why)
{
	fprintf(stderr, "smoke: %s\n", why);
	event_base_loopexit(s->base, NULL);
}

/* smoke_read_json: one newline-terminated JSON object from bev, or NULL. */
static cJSON *
smoke_read_json(struct bufferevent *bev)
{
	char *line;
	cJSON *json;

	line =
	    evbuffer_readln(bufferevent_get_input(bev), NULL, EVBUFFER_EOL_LF);
	if (line == NULL)
		return (NULL);
	json = cJSON_Parse(line);
	free(line);
	return (json);
}

static void
smoke_send_json(struct bufferevent *bev, const char *hello, double n)
{
	cJSON *json;
	char *text;

	json = cJSON_CreateObject();
	cJSON_AddStringToObject(json, "hello", hello);
	cJSON_AddNumberToObject(json, "n", n);
	text = cJSON_PrintUnformatted(json);
	bufferevent_write(bev, text, strlen(text));
	bufferevent_write(bev, "\n", 1);
	cJSON_free(text);
	cJSON_Delete(json);
}

/* The server side answers {"hello": H, "n": N} with H and N + 1. */
static void
smoke_srv_read_cb(struct bufferevent *bev, void *arg)
{
	struct smoke *s = arg;
	cJSON *json, *hello, *n;

	if ((json = smoke_read_json(bev)) == NULL)
		return;
	hello = cJSON_GetObjectItemCaseSensitive(json, "hello");
	n = cJSON_GetObjectItemCaseSensitive(json, "n");
	if (cJSON_IsString(hello) && cJSON_IsNumber(n)) {
		printf("server got hello=%s n=%g\n", hello->valuestring,
		    n->valuedouble);
		smoke_send_json(bev, hello->valuestring, n->valuedouble + 1);
		s->replied = 1;
	} else
		smoke_fail(s, "server: bad message");
	cJSON_Delete(json);
}

/* With -l the run ends once the reply has left. */
static void
smoke_srv_write_cb(struct bufferevent *bev, void *arg)
{
	struct smoke *s = arg;

	if (s->serve && s->replied) {
		s->ok = 1;
		event_base_loopexit(s->base, NULL);
	}
}

static void
smoke_cli_read_cb(struct bufferevent *bev, void *arg)
{
	struct smoke *s = arg;
	cJSON *json, *n;

	if ((json = smoke_read_json(bev)) == NULL)
		return;
	n = cJSON_GetObjectItemCaseSensitive(json, "n");
	if (cJSON_IsNumber(n) && n->valuedouble == 2) {
		printf("client got n=%g\n", n->valuedouble);
		s->ok = 1;
		event_base_loopexit(s->base, NULL);
	} else
		smoke_fail(s, "client: bad reply");
	cJSON_Delete(json);
}

static void
smoke_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct smoke *s = arg;

	if (what & BEV_EVENT_CONNECTED) {
		printf("client connected\n");
		smoke_send_json(bev, "smoke", 1);
	} else if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) && !s->ok)
		smoke_fail(
		    s, evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

static void
smoke_accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct smoke *s = arg;

	if (s->srv != NULL) {
		evutil_closesocket(fd);
		return;
	}
	s->srv = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(
	    s->srv, smoke_srv_read_cb, smoke_srv_write_cb, smoke_event_cb, s);
	bufferevent_enable(s->srv, EV_READ | EV_WRITE);
}

static void
smoke_start_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smoke *s = arg;

	s->cli = bufferevent_socket_new(s->base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(s->cli, smoke_cli_read_cb, NULL, smoke_event_cb, s);
	bufferevent_enable(s->cli, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(
		s->cli, (struct sockaddr *)&s->sin, sizeof s->sin) == -1)
		smoke_fail(s, "bufferevent_socket_connect failed");
}

static void
smoke_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	smoke_fail(arg, "timed out");
}

static int
smoke_listen(struct smoke *s, int port)
{
	int len = sizeof s->sin;

	s->sin.sin_family = AF_INET;
	s->sin.sin_port = htons(port);
	if (inet_pton(AF_INET, "127.0.0.1", &s->sin.sin_addr) != 1)
		return (-1);
	s->lis = evconnlistener_new_bind(s->base, smoke_accept_cb, s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&s->sin, sizeof s->sin);
	if (s->lis == NULL)
		return (-1);
	if (getsockname(evconnlistener_get_fd(s->lis),
		(struct sockaddr *)&s->sin, &len) != 0)
		return (-1);
	printf("listening on 127.0.0.1:%d\n", ntohs(s->sin.sin_port));
	fflush(stdout);
	return (0);
}

int
main(int argc, char **argv)
{
	struct smoke s;
	struct timeval soon = { 0, 10000 }, limit = { 10, 0 };
	WSADATA wsa;
	int port = 0;

	memset(&s, 0, sizeof s);
	if (argc == 3 && strcmp(argv[1], "-l") == 0) {
		s.serve = 1;
		port = atoi(argv[2]);
		limit.tv_sec = 30;
	}
	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
		fprintf(stderr, "smoke: WSAStartup failed\n");
		return (1);
	}
	if ((s.base = event_base_new()) == NULL) {
		fprintf(stderr, "smoke: event_base_new failed\n");
		return (1);
	}
	printf("libevent %s, method %s, cJSON %s\n", event_get_version(),
	    event_base_get_method(s.base), cJSON_Version());
	if (smoke_listen(&s, port) == -1) {
		fprintf(stderr, "smoke: listen: %s\n",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return (1);
	}
	s.deadline = evtimer_new(s.base, smoke_deadline_cb, &s);
	evtimer_add(s.deadline, &limit);
	if (!s.serve) {
		s.start = evtimer_new(s.base, smoke_start_cb, &s);
		evtimer_add(s.start, &soon);
	}
	event_base_dispatch(s.base);

	if (s.start != NULL)
		event_free(s.start);
	event_free(s.deadline);
	if (s.cli != NULL)
		bufferevent_free(s.cli);
	if (s.srv != NULL)
		bufferevent_free(s.srv);
	evconnlistener_free(s.lis);
	event_base_free(s.base);
	WSACleanup();
	printf("smoke: %s\n", s.ok ? "ok" : "FAILED");
	return (s.ok ? 0 : 1);
}
