/* Sockets whose SO_PEERCRED names someone other than a connected peer: a
 * listening socket inherited by fork, by fork + exec as fd 3 (socket
 * activation) and by a raw clone(2) child (which runs no atfork handler), and
 * a raw clone child's own socketpair; and ids the reader's user namespace
 * cannot name. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <peercred.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "peer.h"
#include "suite.h"

/* The exec'd child (main.c's --read-fd3): fd 3 is the parent's listener. */
int read_fd3(void) {
    peercred_ucred cred;
    int rc = peercred_read(3, &cred);
    return rc == -ENOTCONN ? 0 : 1;
}

static int exit_code(pid_t child) {
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* What a child made by raw clone(2) sees: its own socketpair, the listener. */
static int in_clone_child(int listener) {
    peercred_ucred cred;
    int sv[2], code = 0;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) return 10;
    if (peercred_read(sv[0], &cred) != -ENOTCONN) code |= 1;
    if (peercred_read(listener, &cred) != -ENOTCONN) code |= 2;
    return code;
}

void test_inherited_listener(void) {
    struct listener l;
    peercred_ucred cred;
    if (listener_open(&l, SOCK_STREAM) < 0) {
        CHECK(0, "listener");
        return;
    }
    /* A read before the children exist: a cached own pid would go stale. */
    CHECK(peercred_read(l.fd, &cred) == -ENOTCONN, "own listener");

    pid_t child = fork();
    if (child == 0) _exit(peercred_read(l.fd, &cred) == -ENOTCONN ? 0 : 1);
    CHECK(exit_code(child) == 0, "a forked child read its parent's listener as a peer");

    long cloned = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (cloned == 0) _exit(in_clone_child(l.fd));
    int code = cloned < 0 ? -1 : exit_code((pid_t)cloned);
    CHECK(code == 0, "raw clone child: %d (1: its own socketpair passed, 2: the listener passed)", code);

    /* valgrind answers /proc/self/exe with the program it runs, which it also
     * execs natively; the kernel's link would name valgrind itself. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    child = fork();
    if (child == 0) {
        /* socket activation's slot, open across exec (dup2 onto itself
         * would keep close-on-exec) */
        if (l.fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(l.fd, 3) != 3) _exit(20);
        execl(self, self, "--read-fd3", (char *)NULL);
        _exit(21);
    }
    CHECK(exit_code(child) == 0, "an exec'd child read fd 3, a listener, as a peer");
    listener_close(&l);
}

static unsigned sysctl_value(const char *path) {
    unsigned value = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%u", &value) != 1) value = 0;
        fclose(f);
    }
    return value;
}

/* A reader in a user namespace with no map at all: every peer is the overflow
 * id, and peercred says so. */
void test_unmapped_ids(void) {
    CHECK(peercred_uid_mapping(UINT32_MAX) == PEERCRED_ID_UNMAPPED, "(uid_t)-1 is no id");
    char map[64] = "";
    FILE *f = fopen("/proc/self/uid_map", "r");
    if (f) {
        if (!fgets(map, sizeof map, f)) map[0] = '\0';
        fclose(f);
    }
    unsigned inside, outside, count;
    if (sscanf(map, "%u %u %u", &inside, &outside, &count) == 3 && inside == 0 && outside == 0 && count == UINT32_MAX)
        CHECK(peercred_uid_mapping(65534) == PEERCRED_ID_MAPPED, "65534 in the initial namespace is an account");
    if (geteuid() != 0) {
        SKIP("a reader in a user namespace: needs root here");
        return;
    }
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) {
        CHECK(0, "user namespace: cannot start the client");
        return;
    }
    unsigned overflowuid = sysctl_value("/proc/sys/kernel/overflowuid");
    unsigned overflowgid = sysctl_value("/proc/sys/kernel/overflowgid");
    pid_t child = fork();
    if (child == 0) {
        if (unshare(CLONE_NEWUSER) < 0) _exit(77);
        peercred_ucred cred;
        if (peercred_read(p.conn, &cred) != 0) _exit(1);
        if (cred.uid != overflowuid || cred.gid != overflowgid) _exit(2);
        if (peercred_uid_mapping(cred.uid) != PEERCRED_ID_UNMAPPED) _exit(3);
        if (peercred_gid_mapping(cred.gid) != PEERCRED_ID_UNMAPPED) _exit(4);
        _exit(0);
    }
    int code = exit_code(child);
    if (code == 77)
        SKIP("a reader in a user namespace: unshare(CLONE_NEWUSER) is not permitted here");
    else
        CHECK(code == 0, "a reader in a user namespace without a map: %d", code);
    peer_reap(&p);
    listener_close(&l);
}
