/*
 * Copyright (c) 2026, the evperf authors. BSD 3-Clause License.
 *
 * check_smoke.c: proves that the static Windows Check from
 * win/build-deps.sh links and runs, in no-fork mode (Windows has no fork()),
 * with cJSON and libevent in the test process: a cJSON round trip, an
 * evbuffer, and a timer on an event_base. Exits 0 when every test passed.
 */

#include <winsock2.h>

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <check.h>
#include <event2/buffer.h>
#include <event2/event.h>

START_TEST(test_cjson_roundtrip)
{
	cJSON *json, *back;
	char *text;

	json = cJSON_CreateObject();
	cJSON_AddNumberToObject(json, "streams", 4);
	text = cJSON_PrintUnformatted(json);
	ck_assert_str_eq(text, "{\"streams\":4}");
	back = cJSON_Parse(text);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(cJSON_GetObjectItem(back, "streams")->valueint, 4);
	cJSON_free(text);
	cJSON_Delete(back);
	cJSON_Delete(json);
}
END_TEST

START_TEST(test_evbuffer_line)
{
	struct evbuffer *buf;
	char *line;

	buf = evbuffer_new();
	evbuffer_add_printf(buf, "%s\n%d", "first", 2);
	line = evbuffer_readln(buf, NULL, EVBUFFER_EOL_LF);
	ck_assert_str_eq(line, "first");
	ck_assert_uint_eq(evbuffer_get_length(buf), 1);
	free(line);
	evbuffer_free(buf);
}
END_TEST

static void
fired_cb(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
}

START_TEST(test_timer_fires)
{
	struct event_base *base;
	struct event *ev;
	struct timeval tv = { 0, 20000 };
	int fired = 0;

	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	ev = evtimer_new(base, fired_cb, &fired);
	evtimer_add(ev, &tv);
	ck_assert_int_eq(event_base_dispatch(base), 1);
	ck_assert_int_eq(fired, 1);
	event_free(ev);
	event_base_free(base);
}
END_TEST

static Suite *
smoke_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("smoke");
	tc = tcase_create("deps");
	tcase_add_test(tc, test_cjson_roundtrip);
	tcase_add_test(tc, test_evbuffer_line);
	tcase_add_test(tc, test_timer_fires);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr;
	WSADATA wsa;
	int failed;

	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
		return (1);
	sr = srunner_create(smoke_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	WSACleanup();
	return (failed == 0 ? 0 : 1);
}
