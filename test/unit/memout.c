/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * memout.c: see memout.h.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "memout.h"

FILE *
memout_open(struct memout *m)
{
	memset(m, 0, sizeof(*m));
	m->fp = tmpfile();
	return m->fp;
}

void
memout_sync(struct memout *m)
{
	long end;

	ck_assert_int_eq(fflush(m->fp), 0);
	end = ftell(m->fp);
	ck_assert_int_ge(end, 0);
	free(m->buf);
	m->len = (size_t)end;
	m->buf = malloc(m->len + 1);
	ck_assert_ptr_nonnull(m->buf);
	rewind(m->fp);
	ck_assert_uint_eq(fread(m->buf, 1, m->len, m->fp), m->len);
	m->buf[m->len] = '\0';
	ck_assert_int_eq(fseek(m->fp, end, SEEK_SET), 0);
}

void
memout_close(struct memout *m)
{
	memout_sync(m);
	fclose(m->fp);
	m->fp = NULL;
}

void
memout_free(struct memout *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = 0;
}
