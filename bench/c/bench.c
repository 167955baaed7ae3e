/* The C floors next to peercred_read(), on an accepted socket whose peer is
 * another process, in alternating rounds: the raw getsockopt(SO_PEERCRED)
 * loop, and the exact floor, the same system calls that an exact answer needs
 * done raw (SO_PEERCRED, SO_ACCEPTCONN, getpid), with the floor without the
 * getpid to show what the self check adds; and "the peer process, then
 * whether it runs PATH" done with the same system calls by hand next to
 * peercred_pidfd() + peercred_process_exe_matches(). Prints one JSON object
 * per measurement, then a summary. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <peercred.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

#define ROUNDS 7

/* Keeps the compiler from dropping the reads. */
static volatile unsigned sink;

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

/* SO_PEERCRED, then SO_ACCEPTCONN, then (with_self) getpid(), as peercred_read
 * makes them, without its checks of the answers or its panic guard. */
static double floor_loop(int fd, long n, int with_self) {
    struct ucred cred;
    int listening;
    socklen_t len;
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) abort();
        len = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0) abort();
        sink += cred.uid + listening + (with_self && cred.pid == getpid());
    }
    return (now_ns() - start) / n;
}

static double exact_floor(int fd, long n) { return floor_loop(fd, n, 1); }
static double without_self_check(int fd, long n) { return floor_loop(fd, n, 0); }

static double peercred_loop(int fd, long n) {
    peercred_ucred cred;
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        if (peercred_read(fd, &cred) != 0) abort();
        sink += cred.uid;
    }
    return (now_ns() - start) / n;
}

/* The exact answer by hand: SO_PEERCRED (whose pid says the peer is visible
 * here), SO_PEERPIDFD, poll (refuse a reaped peer), the pidfd's fdinfo through
 * /proc/thread-self (the peer's number in /proc's own PID namespace), stat of
 * /proc/N/exe and of PATH, poll (still the same live process), close. */
static double by_hand(int fd, const char *path, long n) {
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        struct ucred cred;
        socklen_t len = sizeof cred;
        int pidfd;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.pid == 0) abort();
        len = sizeof pidfd;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) != 0) abort();
        struct pollfd alive = {.fd = pidfd, .events = POLLIN};
        if (poll(&alive, 1, 0) != 0) abort();
        char name[64], info[1024], exe[64];
        snprintf(name, sizeof name, "/proc/thread-self/fdinfo/%d", pidfd);
        int f = open(name, O_RDONLY | O_CLOEXEC);
        ssize_t got = f < 0 ? -1 : read(f, info, sizeof info - 1);
        if (f < 0 || got <= 0) abort();
        close(f);
        info[got] = '\0';
        const char *pid = strstr(info, "\nPid:\t");
        if (!pid) abort();
        snprintf(exe, sizeof exe, "/proc/%d/exe", atoi(pid + 6));
        struct stat runs, want;
        if (stat(exe, &runs) != 0 || stat(path, &want) != 0 || poll(&alive, 1, 0) != 0) abort();
        sink += runs.st_dev == want.st_dev && runs.st_ino == want.st_ino;
        close(pidfd);
    }
    return (now_ns() - start) / n;
}

static double through_libpeercred(int fd, const char *path, long n) {
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        int pidfd = peercred_pidfd(fd);
        if (pidfd < 0 || peercred_process_exe_matches(pidfd, path) != 1) abort();
        sink++;
        close(pidfd);
    }
    return (now_ns() - start) / n;
}

/* The file the client runs (a fork of this program), and the process loops
 * at a fiftieth of the calls: each costs tens of reads. */
static char client_exe[4096];
static double process_by_hand(int fd, long n) { return by_hand(fd, client_exe, n / 50); }
static double process_through_libpeercred(int fd, long n) { return through_libpeercred(fd, client_exe, n / 50); }

static const struct contestant {
    const char *name;
    double (*loop)(int, long);
} CONTESTANTS[] = {
    {"getsockopt(SO_PEERCRED) raw", raw_loop},
    {"exact floor: SO_PEERCRED + SO_ACCEPTCONN + getpid raw", exact_floor},
    {"floor without the self check (no getpid)", without_self_check},
    {"peercred_read", peercred_loop},
    {"peer process + exe_matches by hand", process_by_hand},
    {"peercred_pidfd + peercred_process_exe_matches", process_through_libpeercred},
};
#define N_CONTESTANTS (sizeof CONTESTANTS / sizeof CONTESTANTS[0])

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    pid_t client;
    int conn = accepted(&client);
    ssize_t exe_len = readlink("/proc/self/exe", client_exe, sizeof client_exe - 1);
    if (exe_len <= 0) abort();
    client_exe[exe_len] = '\0';
    double ns[N_CONTESTANTS][ROUNDS];
    for (size_t c = 0; c < N_CONTESTANTS; c++) CONTESTANTS[c].loop(conn, n / 10); /* warm up */
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t c = 0; c < N_CONTESTANTS; c++) {
            ns[c][r] = CONTESTANTS[c].loop(conn, n);
            printf("{\"lang\":\"c\",\"name\":\"%s\",\"round\":%d,\"ns\":%.1f}\n", CONTESTANTS[c].name, r, ns[c][r]);
        }
    }
    kill(client, SIGKILL);
    for (size_t c = 0; c < N_CONTESTANTS; c++) qsort(ns[c], ROUNDS, sizeof ns[c][0], cmp);
    double raw = ns[0][ROUNDS / 2], exact = ns[1][ROUNDS / 2], ours = ns[3][ROUNDS / 2];
    fprintf(stderr, "c: raw getsockopt %.1f ns, exact floor %.1f ns, peercred_read %.1f ns: %.3fx the exact floor (medians of %d rounds)\n",
            raw, exact, ours, ours / exact, ROUNDS);
    double hand = ns[4][ROUNDS / 2], process = ns[5][ROUNDS / 2];
    fprintf(stderr, "c: peer process + exe_matches by hand %.1f ns, through libpeercred %.1f ns: %.3fx\n", hand, process,
            process / hand);
    return 0;
}
