/*
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * compat/sys/queue.h: the doubly linked tail queue evperf uses, for
 * systems whose C library has no <sys/queue.h> (mingw-w64). CMake puts
 * compat/ on the include path only there; glibc and the BSDs use their
 * own header, whose macros these match in name and meaning.
 */
#ifndef EVPERF_COMPAT_SYS_QUEUE_H
#define EVPERF_COMPAT_SYS_QUEUE_H

/* A queue head: the first element, and where the last one's next is. */
#define TAILQ_HEAD(name, type)                                                 \
	struct name {                                                          \
		struct type *tqh_first;                                        \
		struct type **tqh_last;                                        \
	}

/* An element's links: the next one, and where the previous one's next is. */
#define TAILQ_ENTRY(type)                                                      \
	struct {                                                               \
		struct type *tqe_next;                                         \
		struct type **tqe_prev;                                        \
	}

#define TAILQ_FIRST(head) ((head)->tqh_first)
#define TAILQ_NEXT(elm, field) ((elm)->field.tqe_next)
#define TAILQ_EMPTY(head) (TAILQ_FIRST(head) == NULL)

#define TAILQ_FOREACH(var, head, field)                                        \
	for ((var) = TAILQ_FIRST(head); (var) != NULL;                         \
	     (var) = TAILQ_NEXT(var, field))

#define TAILQ_INIT(head)                                                       \
	do {                                                                   \
		(head)->tqh_first = NULL;                                      \
		(head)->tqh_last = &(head)->tqh_first;                         \
	} while (0)

#define TAILQ_INSERT_TAIL(head, elm, field)                                    \
	do {                                                                   \
		(elm)->field.tqe_next = NULL;                                  \
		(elm)->field.tqe_prev = (head)->tqh_last;                      \
		*(head)->tqh_last = (elm);                                     \
		(head)->tqh_last = &(elm)->field.tqe_next;                     \
	} while (0)

#define TAILQ_REMOVE(head, elm, field)                                         \
	do {                                                                   \
		if ((elm)->field.tqe_next != NULL)                             \
			(elm)->field.tqe_next->field.tqe_prev =                \
			    (elm)->field.tqe_prev;                             \
		else                                                           \
			(head)->tqh_last = (elm)->field.tqe_prev;              \
		*(elm)->field.tqe_prev = (elm)->field.tqe_next;                \
	} while (0)

#endif /* EVPERF_COMPAT_SYS_QUEUE_H */
