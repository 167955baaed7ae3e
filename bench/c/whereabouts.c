/* Where the caller lives, on a pidfd of a peer in another process held for
 * the whole run, in alternating rounds: the namespace summary and the cgroup
 * and unit lookup, each done by hand with the system calls an exact answer
 * needs, next to the same through libpeercred. Prints one JSON object per
 * measurement, then a summary. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <peercred.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define ROUNDS 7
#define PIDFD_THREAD O_EXCL
#define NS_GET_ID _IOR(0xb7, 13, uint64_t)

static volatile unsigned long sink;

/* PIDFD_GET_{CGROUP,IPC,MNT,NET,PID,TIME,USER,UTS}_NAMESPACE. */
static const unsigned long KINDS[PEERCRED_NS_COUNT] = {
    _IO(0xFF, 1), _IO(0xFF, 2), _IO(0xFF, 3), _IO(0xFF, 4), _IO(0xFF, 5), _IO(0xFF, 7), _IO(0xFF, 9), _IO(0xFF, 10),
};

static uint64_t ns_id(int pidfd, unsigned long kind) {
    uint64_t id = 0;
    int ns = ioctl(pidfd, kind, 0);
    if (ns < 0 || ioctl(ns, NS_GET_ID, &id) != 0) abort();
    close(ns);
    return id;
}

/* The peer's namespaces and the calling thread's, through pidfds, then
 * whether the peer still runs. */
static double namespaces_by_hand(int pidfd, long n) {
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        int own = (int)syscall(SYS_pidfd_open, gettid(), PIDFD_THREAD);
        if (own < 0) abort();
        unsigned shared = 0;
        for (int kind = 0; kind < PEERCRED_NS_COUNT; kind++)
            shared |= (unsigned)(ns_id(pidfd, KINDS[kind]) == ns_id(own, KINDS[kind])) << kind;
        close(own);
        struct pollfd alive = {.fd = pidfd, .events = POLLIN};
        if (poll(&alive, 1, 0) != 0) abort();
        sink += shared;
    }
    return (now_ns() - start) / n;
}

static double namespaces_through_libpeercred(int pidfd, long n) {
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        peercred_namespaces ns;
        if (peercred_process_namespaces(pidfd, &ns) != 0) abort();
        sink += ns.shared;
    }
    return (now_ns() - start) / n;
}

static ssize_t slurp(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t got = read(fd, buf, size - 1);
    close(fd);
    if (got >= 0) buf[got] = '\0';
    return got;
}

/* The first component of the path after its leading slices, when it ends
 * in a unit suffix (enough for the bench's paths). */
static size_t unit_of(const char *path, const char **unit) {
    const char *p = path;
    for (;;) {
        while (*p == '/') p++;
        size_t len = strcspn(p, "/\n");
        if (len == 0) return 0;
        if (len > 6 && strncmp(p + len - 6, ".slice", 6) == 0) {
            p += len;
            continue;
        }
        const char *dot = memchr(p, '.', len);
        *unit = p;
        return dot && dot != p ? len : 0;
    }
}

/* The pid /proc shows (the pidfd's fdinfo, through the calling thread), its
 * cgroup file, its main thread's state (a zombie main thread keeps a stale
 * cgroup), whether it still runs; then the v2 line and its unit. */
static double cgroup_by_hand(int pidfd, long n) {
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        char path[64], info[1024], cgroup[4096], stat[1024];
        snprintf(path, sizeof path, "/proc/thread-self/fdinfo/%d", pidfd);
        if (slurp(path, info, sizeof info) <= 0) abort();
        const char *pid = strstr(info, "\nPid:\t");
        if (!pid) abort();
        snprintf(path, sizeof path, "/proc/%d/cgroup", atoi(pid + 6));
        if (slurp(path, cgroup, sizeof cgroup) <= 0) abort();
        snprintf(path, sizeof path, "/proc/%d/stat", atoi(pid + 6));
        if (slurp(path, stat, sizeof stat) <= 0 || strrchr(stat, ')')[2] == 'Z') abort();
        struct pollfd alive = {.fd = pidfd, .events = POLLIN};
        if (poll(&alive, 1, 0) != 0) abort();
        const char *line = strstr(cgroup, "0::/");
        if (!line) abort();
        const char *unit = NULL;
        sink += unit_of(line + 3, &unit);
    }
    return (now_ns() - start) / n;
}

static double cgroup_through_libpeercred(int pidfd, long n) {
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        char cgroup[4096], unit[256];
        size_t len = sizeof cgroup, unit_len = sizeof unit;
        if (peercred_process_cgroup(pidfd, cgroup, &len) != 0) abort();
        if (peercred_cgroup_field(cgroup, PEERCRED_CGROUP_UNIT, unit, &unit_len) < 0) abort();
        sink += unit_len;
    }
    return (now_ns() - start) / n;
}

/* A pidfd of a forked client connected to us, which waits to be killed. */
static int client_pidfd(pid_t *client) {
    int conn = accepted(client);
    int pidfd = peercred_pidfd(conn);
    close(conn);
    return pidfd;
}

static const struct contestant {
    const char *name;
    double (*loop)(int, long);
} CONTESTANTS[] = {
    {"namespace summary by hand", namespaces_by_hand},
    {"peercred_process_namespaces", namespaces_through_libpeercred},
    {"cgroup + unit by hand", cgroup_by_hand},
    {"peercred_process_cgroup + peercred_cgroup_field(UNIT)", cgroup_through_libpeercred},
};
#define N_CONTESTANTS (sizeof CONTESTANTS / sizeof CONTESTANTS[0])

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    pid_t client;
    int pidfd = client_pidfd(&client);
    if (pidfd < 0) {
        fprintf(stderr, "c where: no pidfd of the client (%s): skipped\n", peercred_strerror(pidfd));
        kill(client, SIGKILL);
        return 0;
    }
    peercred_namespaces probe;
    if (peercred_process_namespaces(pidfd, &probe) != 0 || probe.unique != 0xff) {
        fprintf(stderr, "c where: this kernel lacks the namespace ioctls or ids (Linux < 6.18): skipped\n");
        kill(client, SIGKILL);
        return 0;
    }
    double ns[N_CONTESTANTS][ROUNDS];
    for (size_t c = 0; c < N_CONTESTANTS; c++) CONTESTANTS[c].loop(pidfd, n / 10); /* warm up */
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t c = 0; c < N_CONTESTANTS; c++) {
            ns[c][r] = CONTESTANTS[c].loop(pidfd, n);
            printf("{\"lang\":\"c\",\"name\":\"%s\",\"round\":%d,\"ns\":%.1f}\n", CONTESTANTS[c].name, r, ns[c][r]);
        }
    }
    kill(client, SIGKILL);
    for (size_t c = 0; c < N_CONTESTANTS; c++) qsort(ns[c], ROUNDS, sizeof ns[c][0], cmp);
    fprintf(stderr, "c: namespace summary by hand %.1f ns, through libpeercred %.1f ns: %.3fx\n", ns[0][ROUNDS / 2],
            ns[1][ROUNDS / 2], ns[1][ROUNDS / 2] / ns[0][ROUNDS / 2]);
    fprintf(stderr, "c: cgroup + unit by hand %.1f ns, through libpeercred %.1f ns: %.3fx\n", ns[2][ROUNDS / 2],
            ns[3][ROUNDS / 2], ns[3][ROUNDS / 2] / ns[2][ROUNDS / 2]);
    return 0;
}
