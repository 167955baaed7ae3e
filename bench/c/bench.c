/* The C floors: ns per call of a raw getsockopt(SO_PEERCRED) loop next to
 * peercred_read(), and of "the peer process, then whether it runs PATH" done
 * with the same system calls by hand next to peercred_pidfd() +
 * peercred_process_exe_matches(), on an accepted socket whose peer is another
 * process, in alternating rounds. Prints one JSON object per measurement, then
 * a summary. */
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

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

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

/* The exact answer by hand: SO_PEERCRED (whose pid says the peer is visible
 * here), SO_PEERPIDFD, poll (refuse a reaped peer), the pidfd's fdinfo through
 * /proc/thread-self (the peer's number in /proc's own PID namespace), stat of
 * /proc/N/exe and of PATH, poll (still the same live process), close. */
static double by_hand_loop(int fd, const char *path, long n) {
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

static double peercred_process_loop(int fd, const char *path, long n) {
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        int pidfd = peercred_pidfd(fd);
        if (pidfd < 0 || peercred_process_exe_matches(pidfd, path) != 1) abort();
        sink++;
        close(pidfd);
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
    /* The client is a fork of this program: it runs the file /proc/self/exe names. */
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) abort();
    exe[len] = '\0';
    long m = n / 50;
    double hand[ROUNDS], process[ROUNDS];
    by_hand_loop(conn, exe, m / 10);
    peercred_process_loop(conn, exe, m / 10);
    for (int r = 0; r < ROUNDS; r++) {
        hand[r] = by_hand_loop(conn, exe, m);
        process[r] = peercred_process_loop(conn, exe, m);
        printf("{\"lang\":\"c\",\"name\":\"peer process + exe_matches by hand\",\"round\":%d,\"ns\":%.1f}\n", r, hand[r]);
        printf("{\"lang\":\"c\",\"name\":\"peercred_pidfd + peercred_process_exe_matches\",\"round\":%d,\"ns\":%.1f}\n",
               r, process[r]);
    }
    kill(client, SIGKILL);
    qsort(raw, ROUNDS, sizeof raw[0], cmp);
    qsort(ours, ROUNDS, sizeof ours[0], cmp);
    qsort(hand, ROUNDS, sizeof hand[0], cmp);
    qsort(process, ROUNDS, sizeof process[0], cmp);
    fprintf(stderr, "c: raw getsockopt %.1f ns, peercred_read %.1f ns: %.3fx (medians of %d rounds)\n",
            raw[ROUNDS / 2], ours[ROUNDS / 2], ours[ROUNDS / 2] / raw[ROUNDS / 2], ROUNDS);
    fprintf(stderr, "c: peer process + exe_matches by hand %.1f ns, through libpeercred %.1f ns: %.3fx\n",
            hand[ROUNDS / 2], process[ROUNDS / 2], process[ROUNDS / 2] / hand[ROUNDS / 2]);
    return 0;
}
