#define _GNU_SOURCE
#include "peer.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_un address(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    return addr;
}

int bound_waits(int fd) {
    struct timeval bound = {.tv_sec = WAIT_SECONDS};
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
}

int listener_open(struct listener *l, int type) {
    snprintf(l->dir, sizeof l->dir, "/tmp/peercred-c-XXXXXX");
    if (!mkdtemp(l->dir)) return -1;
    chmod(l->dir, 0755); /* reachable by a client running as another user */
    snprintf(l->path, sizeof l->path, "%s/sock", l->dir);
    struct sockaddr_un addr = address(l->path);
    l->fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (l->fd < 0 || bound_waits(l->fd) < 0 || bind(l->fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
        listen(l->fd, 16) < 0)
        return -1;
    chmod(l->path, 0666);
    return 0;
}

void listener_close(struct listener *l) {
    close(l->fd);
    unlink(l->path);
    rmdir(l->dir);
}

int connect_path(const char *path, int type) {
    struct sockaddr_un addr = address(path);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) return -1;
    return fd;
}

/* In the forked child: only async-signal-safe calls, then _exit. */
static void client(const struct listener *l, int type, uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
                   int hold) {
    if (uid != SAME_IDS && (setgroups(ngroups, groups) < 0 || setgid(gid) < 0 || setuid(uid) < 0)) _exit(3);
    if (connect_path(l->path, type) < 0) _exit(4);
    char byte;
    while (read(hold, &byte, 1) > 0) {
    }
    _exit(0);
}

int peer_start(struct peer *p, const struct listener *l, int type, uid_t uid, gid_t gid, const gid_t *groups,
               size_t ngroups) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) return -1;
    p->pid = fork();
    if (p->pid < 0) return -1;
    if (p->pid == 0) {
        close(pipefd[1]);
        client(l, type, uid, gid, groups, ngroups, pipefd[0]);
    }
    close(pipefd[0]);
    p->hold = pipefd[1];
    p->conn = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
    return p->conn < 0 ? -1 : 0;
}

void peer_release(struct peer *p) {
    if (p->hold >= 0) close(p->hold);
    p->hold = -1;
}

void peer_wait_exit(const struct peer *p) {
    siginfo_t info;
    waitid(P_PID, (id_t)p->pid, &info, WEXITED | WNOWAIT);
}

int peer_reap(struct peer *p) {
    int status = 0;
    peer_release(p);
    waitpid(p->pid, &status, 0);
    close(p->conn);
    return status;
}

int open_fd_count(void) {
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;
    if (!dir) return -1;
    while (readdir(dir)) n++;
    closedir(dir);
    return n;
}

/* Whether the kernel answers as one without SO_PEERPIDFD (Linux 5.3 to 6.4):
 * tests/old-kernel/as-old-kernel says so, as does its runner on a real 6.1.
 * peercred_pidfd() is then the sock_diag fallback's, and there is no
 * PIDFD_GET_INFO either. */
int as_old_kernel(void) { return getenv("PEERCRED_AS_OLD_KERNEL") != NULL; }
