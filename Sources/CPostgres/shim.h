#ifndef CPOSTGRES_SHIM_H
#define CPOSTGRES_SHIM_H

#include <libpq-fe.h>

/*
 * Swift cannot import char-literal macros such as PG_DIAG_SQLSTATE ('C'),
 * so they are re-exported as constants here.
 */
static const int CPG_DIAG_SEVERITY = PG_DIAG_SEVERITY;
static const int CPG_DIAG_SEVERITY_NONLOCALIZED = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CPG_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CPG_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CPG_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CPG_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int CPG_DIAG_STATEMENT_POSITION = PG_DIAG_STATEMENT_POSITION;
static const int CPG_DIAG_SCHEMA_NAME = PG_DIAG_SCHEMA_NAME;
static const int CPG_DIAG_TABLE_NAME = PG_DIAG_TABLE_NAME;
static const int CPG_DIAG_COLUMN_NAME = PG_DIAG_COLUMN_NAME;
static const int CPG_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;

#ifdef __linux__
#include <errno.h>
#include <sys/epoll.h>

/*
 * The socket waiter's two epoll calls. struct epoll_event is packed on x86-64, so the
 * Swift side never touches it: it arms a descriptor and reads back descriptors and events.
 */
static const unsigned CPG_EPOLLIN = EPOLLIN;
static const unsigned CPG_EPOLLOUT = EPOLLOUT;

/* Arms `fd` for one readiness report of `events` (EPOLLONESHOT), adding it on first use. */
static inline int cpg_epoll_arm(int epfd, int fd, unsigned events) {
    struct epoll_event event;
    event.events = events | EPOLLONESHOT;
    event.data.u64 = 0;
    event.data.fd = fd;
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event) == 0) return 0;
    if (errno != ENOENT) return -1;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

/* Waits for at most `capacity` (<= 64) reports; fills `fds`, returns how many or -1. */
static inline int cpg_epoll_wait(int epfd, int *fds, int capacity, int timeout) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epfd, events, capacity, timeout);
    for (int index = 0; index < count; index++) fds[index] = events[index].data.fd;
    return count;
}
#endif

#endif
