/* tests/cases.json's "process" rows through peercred_peer_pidfd: a socket
 * whose other end tests/process_peers.py puts in each state, checked against
 * the column of the kernel this runs on (as_old_kernel() says which). The
 * table runs as pid 1 of a PID namespace of its own when root (pid-reused
 * needs it), in a forked child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <peercred.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cases.h"
#include "check.h"
#include "peer.h"
#include "suite.h"

#ifndef PROCESS_PEERS
#error "build with -DPROCESS_PEERS='\"/path/to/tests/process_peers.py\"'"
#endif

#define NOBODY 65534

static int column(void) {
    const char *old = getenv("PEERCRED_AS_OLD_KERNEL");
    if (!old) return 0;
    return strcmp(old, "no-pidfd-open") == 0 ? 2 : 1;
}

/* tests/process_peers.py PEER PATH, with pipes to its stdin and stdout. */
struct helper {
    pid_t pid;
    int in, out;
};

static int helper_start(struct helper *h, const char *peer, const char *path) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) return -1;
    h->pid = fork();
    if (h->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        execlp("python3", "python3", PROCESS_PEERS, peer, path, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    h->in = in[1];
    h->out = out[0];
    return h->pid > 0 ? 0 : -1;
}

/* Its one line; the peer's pid, 0 for a skip (said why), -1 on failure. */
static int helper_said(struct helper *h, int *pid) {
    char line[512];
    size_t n = 0;
    while (n < sizeof line - 1 && read(h->out, line + n, 1) == 1 && line[n] != '\n') n++;
    line[n] = '\0';
    const char *skip = strstr(line, "\"skip\": ");
    if (skip) {
        SKIP("process row: %s", skip + 8);
        return 0;
    }
    const char *at = strstr(line, "\"pid\": ");
    return at && sscanf(at + 7, "%d", pid) == 1 ? 1 : -1;
}

static void helper_stop(struct helper *h) {
    close(h->in);
    close(h->out);
    waitpid(h->pid, NULL, 0);
}

struct answer {
    int code, source, alive, pid;
};

static struct answer describe(int fd) {
    struct answer a = {0, -1, -1, -1};
    int source = -7;
    int pidfd = peercred_peer_pidfd(fd, 0, &source);
    if (pidfd < 0) {
        a.code = pidfd;
        return a;
    }
    int32_t pid = -1;
    a.source = source;
    a.alive = peercred_process_alive(pidfd);
    a.pid = peercred_process_pid(pidfd, &pid) == 0 ? pid : -1;
    close(pidfd);
    /* Refusing the fallback answers as the kernel does. */
    int kernel = peercred_peer_pidfd(fd, PEERCRED_NO_FALLBACK, NULL);
    if (source == PEERCRED_SOURCE_SOCK_DIAG) {
        CHECK(kernel == -ENOPROTOOPT, "PEERCRED_NO_FALLBACK under the fallback: %d", kernel);
    } else {
        CHECK(kernel >= 0, "PEERCRED_NO_FALLBACK with SO_PEERPIDFD: %d", kernel);
    }
    if (kernel >= 0) close(kernel);
    return a;
}

/* describe() in a forked child as uid and gid 65534, without privileges. */
static struct answer describe_as_nobody(int fd) {
    struct answer a = {-1000, -1, -1, -1};
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return a;
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0) _exit(1);
        struct answer got = describe(fd);
        _exit(write(sv[1], &got, sizeof got) == sizeof got ? 0 : 1);
    }
    close(sv[1]);
    if (read(sv[0], &a, sizeof a) != sizeof a) a.code = -1000;
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return a;
}

static void row(const struct process_case *c, int col) {
    struct listener l;
    int connects = strncmp(c->peer, "listener", 8) == 0;
    if (listener_open(&l, SOCK_STREAM) < 0) {
        CHECK(0, "%s: cannot listen", c->peer);
        return;
    }
    if (connects) {
        close(l.fd); /* the helper listens there */
        l.fd = -1;
        unlink(l.path);
    }
    struct helper h;
    if (helper_start(&h, c->peer, l.path) < 0) {
        CHECK(0, "%s: cannot start %s", c->peer, PROCESS_PEERS);
        return;
    }
    int conn = connects ? -1 : accept4(l.fd, NULL, NULL, SOCK_CLOEXEC);
    int peer_pid = 0;
    int said = helper_said(&h, &peer_pid);
    CHECK(said >= 0, "%s: the helper said nothing readable", c->peer);
    if (said > 0) {
        if (connects) {
            char byte;
            conn = connect_path(l.path, SOCK_STREAM);
            if (strcmp(c->peer, "listener-accepted") == 0 && read(conn, &byte, 1) != 1) conn = -1;
            if (strcmp(c->peer, "listener-accepted-and-closed") == 0 && read(conn, &byte, 1) != 0) conn = -1;
        }
        struct answer a = strcmp(c->peer, "other-uid") == 0 ? describe_as_nobody(conn) : describe(conn);
        const struct process_answer *want = &c->want[col];
        if (want->code) {
            CHECK(a.code == want->code, "%s (%s): %d (%s), want %d", c->peer, PROCESS_COLUMN[col], a.code,
                  peercred_strerror(a.code), want->code);
        } else {
            CHECK(a.code == 0 && a.source == want->source && a.alive == want->alive && a.pid == peer_pid,
                  "%s (%s): code %d source %d alive %d pid %d, want source %d alive %d pid %d", c->peer,
                  PROCESS_COLUMN[col], a.code, a.source, a.alive, a.pid, want->source, want->alive, peer_pid);
        }
    }
    if (conn >= 0) close(conn);
    helper_stop(&h);
    listener_close(&l);
}

static int run_table(void) {
    int failed = checks_failed;
    for (size_t i = 0; i < sizeof PROCESS / sizeof PROCESS[0]; i++) row(&PROCESS[i], column());
    return checks_failed != failed;
}

void test_process_table(void) {
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        /* As pid 1 of a new PID namespace, with its /proc, where pids can be steered. */
        if (geteuid() == 0 && unshare(CLONE_NEWPID | CLONE_NEWNS) == 0) {
            pid_t init = fork();
            if (init == 0) {
                if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
                    mount("proc", "/proc", "proc", 0, NULL) < 0)
                    _exit(77);
                _exit(run_table());
            }
            int status = 0;
            waitpid(init, &status, 0);
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
        }
        SKIP("process table: not root, so in this PID namespace, without pid-reused and other-uid");
        _exit(run_table());
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        SKIP("process table: cannot mount a /proc for a new PID namespace");
        return;
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "process table: status %d (its output says where)",
          status);
}
