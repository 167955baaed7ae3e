/* Shared by the C benches: the clock, the median's comparison, and a
 * connection from a client in another process. */
#ifndef PEERCRED_BENCH_COMMON_H
#define PEERCRED_BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* CPU time of this thread: the system calls' kernel time counts, other
 * programs running on a shared machine do not. */
static inline double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* An accepted connection from a forked client that waits to be killed. */
static inline int accepted(pid_t *client) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "/tmp/peercred-bench-%d.sock", (int)getpid());
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(addr.sun_path);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 1) < 0) abort();
    *client = fork();
    if (*client == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) _exit(1);
        pause();
        _exit(0);
    }
    int conn = accept(listener, NULL, NULL);
    close(listener);
    unlink(addr.sun_path);
    return conn;
}

#endif
