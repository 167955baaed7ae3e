/* The C floor: ns per call of a raw getsockopt(SO_PEERCRED) loop next to
 * peercred_read(), on an accepted socket whose peer is another process, in
 * alternating rounds. Prints one JSON object per measurement, then a summary. */
#define _GNU_SOURCE
#include <peercred.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 7

/* Keeps the compiler from dropping the reads. */
static volatile unsigned sink;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double raw_loop(int fd, long n) {
    struct ucred cred;
    socklen_t len;
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) abort();
        sink += cred.uid;
    }
    return (now_ns() - start) / n;
}

static double peercred_loop(int fd, long n) {
    peercred_ucred cred;
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        if (peercred_read(fd, &cred) != 0) abort();
        sink += cred.uid;
    }
    return (now_ns() - start) / n;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* An accepted connection from a forked client that waits to be killed. */
static int accepted(pid_t *client) {
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

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    pid_t client;
    int conn = accepted(&client);
    double raw[ROUNDS], ours[ROUNDS];
    raw_loop(conn, n / 10); /* warm up */
    peercred_loop(conn, n / 10);
    for (int r = 0; r < ROUNDS; r++) {
        raw[r] = raw_loop(conn, n);
        ours[r] = peercred_loop(conn, n);
        printf("{\"lang\":\"c\",\"name\":\"getsockopt(SO_PEERCRED) raw\",\"round\":%d,\"ns\":%.1f}\n", r, raw[r]);
        printf("{\"lang\":\"c\",\"name\":\"peercred_read\",\"round\":%d,\"ns\":%.1f}\n", r, ours[r]);
    }
    kill(client, SIGKILL);
    qsort(raw, ROUNDS, sizeof raw[0], cmp);
    qsort(ours, ROUNDS, sizeof ours[0], cmp);
    fprintf(stderr, "c: raw getsockopt %.1f ns, peercred_read %.1f ns: %.3fx (medians of %d rounds)\n",
            raw[ROUNDS / 2], ours[ROUNDS / 2], ours[ROUNDS / 2] / raw[ROUNDS / 2], ROUNDS);
    return 0;
}
