/* Per-message credentials through peercred_recv, with senders in other
 * processes and under other uids: interleaved senders, a message queued
 * before peercred_pass_credentials, sender addresses, real ids, a connection
 * handed to another uid, privileged claims, attached descriptors, truncation
 * and a sender that exited. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <peercred.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "peer.h"
#include "suite.h"

#define NOBODY 65534

struct receiver {
    int fd;
    char dir[64];
    struct sockaddr_un addr;
};

/* A datagram socket at a path other users can reach, passing credentials
 * before it can receive anything. */
static int receiver_open(struct receiver *r) {
    snprintf(r->dir, sizeof r->dir, "/tmp/peercred-msg-XXXXXX");
    if (!mkdtemp(r->dir)) return -1;
    chmod(r->dir, 0755);
    r->addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    snprintf(r->addr.sun_path, sizeof r->addr.sun_path, "%s/log", r->dir);
    r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (r->fd < 0 || bound_waits(r->fd) < 0 || peercred_pass_credentials(r->fd) != 0) return -1;
    if (bind(r->fd, (struct sockaddr *)&r->addr, sizeof r->addr) < 0) return -1;
    chmod(r->addr.sun_path, 0666);
    return 0;
}

static void receiver_close(struct receiver *r) {
    close(r->fd);
    unlink(r->addr.sun_path);
    rmdir(r->dir);
}

/* Whether the kernel took SO_PASSPIDFD (Linux >= 6.5). */
static int passes_pidfd(int fd) {
    int on = 0;
    socklen_t len = sizeof on;
    return getsockopt(fd, SOL_SOCKET, 76 /* SO_PASSPIDFD */, &on, &len) == 0 && on;
}

static void drop_to_nobody(void) {
    if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0) _exit(3);
}

/* sendmsg of data with optional control data, to `to` or on a connected fd;
 * 0 or the errno. The system call itself: musl before 1.2.4 (Debian 12's
 * musl-gcc) copies control data into a 1024-byte buffer and fails with ENOMEM
 * before the kernel sees SCM_RIGHTS with 253 descriptors, the most the kernel
 * takes (musl's struct padding is zero here, so the kernel reads the same). */
static int send_with(int fd, const struct sockaddr_un *to, const void *data, size_t len, void *control,
                     size_t control_len) {
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = control_len};
    if (to) {
        msg.msg_name = (void *)to;
        msg.msg_namelen = sizeof *to;
    }
    return syscall(SYS_sendmsg, fd, &msg, MSG_NOSIGNAL) < 0 ? errno : 0;
}

static int send_pid(int fd, const struct sockaddr_un *to) {
    pid_t me = getpid();
    return send_with(fd, to, &me, sizeof me, NULL, 0);
}

static int new_dgram(void) { return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

static int reap(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Receives one message; the pidfd is closed unless `pidfd` asks for it. */
static ssize_t receive(int fd, void *buf, size_t len, peercred_message *m, int *pidfd) {
    ssize_t n = peercred_recv(fd, buf, len, 0, m);
    if (n >= 0 && pidfd) *pidfd = m->pidfd;
    else if (n >= 0 && m->pidfd >= 0) close(m->pidfd);
    return n;
}

static void interleaved_senders(void) {
    enum { SENDERS = 4, EACH = 50 };
    struct receiver r;
    if (receiver_open(&r) < 0) {
        CHECK(0, "receiver");
        return;
    }
    pid_t pids[SENDERS];
    uid_t uids[SENDERS];
    int counts[SENDERS] = {0};
    for (int i = 0; i < SENDERS; i++) {
        int other = geteuid() == 0 && i % 2;
        uids[i] = other ? NOBODY : getuid();
        pids[i] = fork();
        if (pids[i] == 0) {
            if (other) drop_to_nobody();
            int fd = new_dgram();
            for (int k = 0; k < EACH; k++)
                if (send_pid(fd, &r.addr) != 0) _exit(1);
            _exit(0);
        }
    }
    int wrong = 0;
    for (int k = 0; k < SENDERS * EACH; k++) {
        pid_t sender = 0;
        peercred_message m;
        if (receive(r.fd, &sender, sizeof sender, &m, NULL) != sizeof sender) {
            wrong++;
            continue;
        }
        int i = 0;
        while (i < SENDERS && pids[i] != sender) i++;
        if (i == SENDERS || !m.has_cred || m.cred.pid != sender || m.cred.uid != uids[i] || m.cred.gid != uids[i]) {
            wrong++;
            continue;
        }
        counts[i]++;
    }
    for (int i = 0; i < SENDERS; i++) {
        CHECK(reap(pids[i]) == 0, "sender %d failed", i);
        CHECK(counts[i] == EACH, "sender %d: %d messages attributed, want %d", i, counts[i], EACH);
    }
    CHECK(wrong == 0, "%d messages with the wrong credentials", wrong);
    receiver_close(&r);
}

static void queued_before_pass_credentials(void) {
    struct receiver r;
    snprintf(r.dir, sizeof r.dir, "/tmp/peercred-msg-XXXXXX");
    if (!mkdtemp(r.dir)) return;
    r.addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    snprintf(r.addr.sun_path, sizeof r.addr.sun_path, "%s/log", r.dir);
    r.fd = new_dgram();
    bound_waits(r.fd);
    bind(r.fd, (struct sockaddr *)&r.addr, sizeof r.addr);
    pid_t sender = fork();
    if (sender == 0) _exit(send_pid(new_dgram(), &r.addr));
    CHECK(reap(sender) == 0, "early sender");
    CHECK(peercred_pass_credentials(r.fd) == 0, "pass_credentials");
    pid_t got = 0;
    peercred_message m;
    ssize_t n = receive(r.fd, &got, sizeof got, &m, NULL);
    CHECK(n == sizeof got && got == sender, "early message: %zd", n);
    CHECK(m.has_cred == 0 && m.pidfd == -1, "the kernel's placeholder became a sender: has_cred %d pid %d uid %u",
          m.has_cred, (int)m.cred.pid, m.cred.uid);
    CHECK(m.cred.pid == 0 && m.cred.uid == 0 && m.cred.gid == 0, "cred not zeroed without credentials");
    receiver_close(&r);
}

static void sender_addresses(void) {
    struct receiver r;
    if (receiver_open(&r) < 0) {
        CHECK(0, "receiver");
        return;
    }
    struct sockaddr_un path = {.sun_family = AF_UNIX}, abstract = {.sun_family = AF_UNIX};
    snprintf(path.sun_path, sizeof path.sun_path, "%s/sender", r.dir);
    const char name[] = "peercred-c-abstract";
    memcpy(abstract.sun_path + 1, name, sizeof name - 1);
    socklen_t abstract_len = offsetof(struct sockaddr_un, sun_path) + 1 + sizeof name - 1;
    pid_t sender = fork();
    if (sender == 0) {
        int unnamed = new_dgram(), named = new_dgram(), hidden = new_dgram();
        if (bind(named, (struct sockaddr *)&path, sizeof path) < 0 ||
            bind(hidden, (struct sockaddr *)&abstract, abstract_len) < 0)
            _exit(2);
        _exit(send_pid(unnamed, &r.addr) || send_pid(named, &r.addr) || send_pid(hidden, &r.addr));
    }
    pid_t got;
    peercred_message m[3];
    for (int i = 0; i < 3; i++) receive(r.fd, &got, sizeof got, &m[i], NULL);
    CHECK(reap(sender) == 0, "address sender");
    CHECK(m[0].address_len == 0, "unnamed: address_len %u", m[0].address_len);
    CHECK(strcmp(m[1].address.sun_path, path.sun_path) == 0, "path: %s", m[1].address.sun_path);
    CHECK(m[2].address_len == abstract_len && m[2].address.sun_path[0] == '\0' &&
              memcmp(m[2].address.sun_path + 1, name, sizeof name - 1) == 0,
          "abstract: length %u", m[2].address_len);
    unlink(path.sun_path);
    receiver_close(&r);
}

/* SCM_CREDENTIALS carries the real ids; SO_PEERCRED records the effective ones. */
static void real_ids(void) {
    if (geteuid() != 0) {
        SKIP("a sender whose real and effective uids differ: needs root");
        return;
    }
    struct receiver r;
    if (receiver_open(&r) < 0) return;
    pid_t sender = fork();
    if (sender == 0) {
        if (setresgid(0, NOBODY, 0) < 0 || setresuid(0, NOBODY, 0) < 0) _exit(3);
        _exit(send_pid(new_dgram(), &r.addr));
    }
    pid_t got;
    peercred_message m;
    receive(r.fd, &got, sizeof got, &m, NULL);
    CHECK(reap(sender) == 0, "sender");
    CHECK(m.has_cred && m.cred.pid == sender && m.cred.uid == 0 && m.cred.gid == 0, "euid 65534, real 0: uid %u",
          m.cred.uid);
    receiver_close(&r);
}

static int receive_fd(int from) {
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    if (recvmsg(from, &msg, 0) <= 0 || !CMSG_FIRSTHDR(&msg)) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof fd);
    return fd;
}

static int send_fd(int over, int fd) {
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct cmsghdr *c = &control.align;
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fd);
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return send_with(over, NULL, "f", 1, control.buf, sizeof control.buf);
}

/* A client connects and hands its socket to a process of another uid, which
 * writes: SO_PEERCRED names the client, the message names the writer. The
 * listener passes credentials; the accepted socket inherits it. */
static void handed_over(int type, const char *what) {
    struct listener l;
    if (listener_open(&l, type) < 0 || peercred_pass_credentials(l.fd) != 0) {
        CHECK(0, "%s: listener", what);
        return;
    }
    int handoff[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, handoff);
    int other = geteuid() == 0;
    pid_t writer = fork();
    if (writer == 0) {
        if (other) drop_to_nobody();
        int fd = receive_fd(handoff[1]);
        _exit(fd < 0 ? 2 : send_pid(fd, NULL));
    }
    pid_t client = fork();
    if (client == 0) {
        int fd = connect_path(l.path, type);
        _exit(fd < 0 ? 1 : send_fd(handoff[0], fd));
    }
    int conn = accept4(l.fd, NULL, NULL, SOCK_CLOEXEC);
    bound_waits(conn);
    CHECK(reap(client) == 0, "%s: client", what);
    pid_t got = 0;
    peercred_message m;
    ssize_t n = receive(conn, &got, sizeof got, &m, NULL);
    uid_t want = other ? NOBODY : getuid();
    CHECK(n == sizeof got && got == writer && m.has_cred && m.cred.pid == writer && m.cred.uid == want,
          "%s: the message names pid %d uid %u, the writer is %d", what, (int)m.cred.pid, m.cred.uid, (int)writer);
    peercred_ucred at_connect;
    CHECK(peercred_read(conn, &at_connect) == 0 && at_connect.pid == client, "%s: SO_PEERCRED names the client",
          what);
    CHECK(reap(writer) == 0, "%s: writer", what);
    /* Everyone closed: the end carries no sender (on a stream the kernel
     * writes zeroed credentials, uid 0, there). */
    n = receive(conn, &got, sizeof got, &m, NULL);
    CHECK(n == 0 && !m.has_cred && m.pidfd == -1, "%s: the end of the connection: %zd has_cred %d", what, n,
          m.has_cred);
    close(conn);
    close(handoff[0]);
    close(handoff[1]);
    listener_close(&l);
}

static int send_claim(const struct sockaddr_un *to, pid_t pid, uid_t uid, gid_t gid) {
    struct ucred claim = {.pid = pid, .uid = uid, .gid = gid};
    union {
        char buf[CMSG_SPACE(sizeof claim)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    control.align.cmsg_level = SOL_SOCKET;
    control.align.cmsg_type = SCM_CREDENTIALS;
    control.align.cmsg_len = CMSG_LEN(sizeof claim);
    memcpy(CMSG_DATA(&control.align), &claim, sizeof claim);
    return send_with(new_dgram(), to, "c", 1, control.buf, sizeof control.buf);
}

/* Root may send any ids and name any live pid; the pidfd follows the pid named. */
static void privileged_claims(void) {
    if (geteuid() != 0) {
        SKIP("explicit SCM_CREDENTIALS with other ids: needs root");
        return;
    }
    struct receiver r;
    if (receiver_open(&r) < 0) return;
    pid_t sender = fork();
    if (sender == 0) _exit(send_claim(&r.addr, 1, 1234, 5678));
    char byte;
    peercred_message m;
    int pidfd = -1;
    receive(r.fd, &byte, 1, &m, &pidfd);
    CHECK(reap(sender) == 0, "claiming sender");
    CHECK(m.has_cred && m.cred.pid == 1 && m.cred.uid == 1234 && m.cred.gid == 5678, "root's claim: %d %u %u",
          (int)m.cred.pid, m.cred.uid, m.cred.gid);
    int32_t named = 0;
    if (pidfd >= 0) {
        CHECK(peercred_process_pid(pidfd, &named) == 0 && named == 1, "SCM_PIDFD follows the claim: pid %d", named);
        close(pidfd);
    }
    pid_t refused = fork();
    if (refused == 0) {
        drop_to_nobody();
        _exit(send_claim(&r.addr, 1, NOBODY, NOBODY));
    }
    CHECK(reap(refused) == EPERM, "an unprivileged sender named pid 1");
    receiver_close(&r);
}

static void attached_descriptors(void) {
    struct receiver r;
    if (receiver_open(&r) < 0) return;
    enum { MOST = 253 };
    static union {
        char buf[CMSG_SPACE(MOST * sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control); /* 253 copies of stdin */
    control.align.cmsg_level = SOL_SOCKET;
    control.align.cmsg_type = SCM_RIGHTS;
    control.align.cmsg_len = CMSG_LEN(MOST * sizeof(int));
    int before = open_fd_count();
    pid_t sender = fork();
    if (sender == 0) _exit(send_with(new_dgram(), &r.addr, "r", 1, control.buf, sizeof control.buf));
    char byte;
    peercred_message m;
    int pidfd = -1;
    receive(r.fd, &byte, 1, &m, &pidfd);
    CHECK(reap(sender) == 0, "sender of descriptors");
    CHECK(m.discarded_fds == MOST && !(m.msg_flags & MSG_CTRUNC), "discarded %d, flags %#x", m.discarded_fds,
          m.msg_flags);
    CHECK(m.has_cred && (pidfd >= 0) == passes_pidfd(r.fd), "credentials and pidfd kept beside 253 descriptors: pidfd %d",
          pidfd);
    if (pidfd >= 0) close(pidfd);
    CHECK(open_fd_count() == before, "descriptors leaked: %d before, %d after", before, open_fd_count());
    receiver_close(&r);
}

static void truncation(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv);
    bound_waits(sv[0]);
    peercred_pass_credentials(sv[0]);
    pid_t sender = fork();
    if (sender == 0) {
        char big[200] = {0};
        _exit(send_with(sv[1], NULL, big, sizeof big, NULL, 0) || send_with(sv[1], NULL, big, sizeof big, NULL, 0));
    }
    char small[16];
    peercred_message m;
    ssize_t n = receive(sv[0], small, sizeof small, &m, NULL);
    CHECK(n == 16 && (m.msg_flags & MSG_TRUNC) && m.has_cred && m.cred.pid == sender, "cut: %zd flags %#x", n,
          m.msg_flags);
    n = peercred_recv(sv[0], small, sizeof small, MSG_TRUNC, &m);
    CHECK(n == 200, "MSG_TRUNC: the real length %zd", n);
    if (n >= 0 && m.pidfd >= 0) close(m.pidfd);
    CHECK(reap(sender) == 0, "sender");

    /* At its descriptor limit the receiver cannot take what was attached, nor
     * the pidfd: MSG_CTRUNC, credentials complete, pidfd -1. */
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    control.align.cmsg_level = SOL_SOCKET;
    control.align.cmsg_type = SCM_RIGHTS;
    control.align.cmsg_len = CMSG_LEN(2 * sizeof(int));
    CHECK(send_with(sv[1], NULL, "x", 1, control.buf, sizeof control.buf) == 0, "send with descriptors");
    pid_t limited = fork();
    if (limited == 0) {
        enum { LIMIT = 64 };
        for (int fd = 0; fd < LIMIT; fd++)
            if (fcntl(fd, F_GETFD) < 0) dup2(sv[0], fd);
        struct rlimit limit = {LIMIT, LIMIT};
        /* valgrind keeps its own descriptor limit: lowering it fails, or is not the kernel's. */
        if (setrlimit(RLIMIT_NOFILE, &limit) < 0 || dup(0) >= 0) _exit(77);
        char byte;
        peercred_message lm;
        if (peercred_recv(sv[0], &byte, 1, 0, &lm) != 1) _exit(3);
        _exit((lm.msg_flags & MSG_CTRUNC) && lm.has_cred && lm.pidfd == -1 && lm.discarded_fds == 0 ? 0 : 4);
    }
    int status = reap(limited);
    if (status == 77) SKIP("MSG_CTRUNC at the descriptor limit: RLIMIT_NOFILE cannot be lowered here (valgrind)");
    else CHECK(status == 0, "control data the kernel dropped is reported (MSG_CTRUNC): %d", status);
    close(sv[0]);
    close(sv[1]);
}

static void exited_sender(void) {
    struct receiver r;
    if (receiver_open(&r) < 0) return;
    pid_t sender = fork();
    if (sender == 0) _exit(send_pid(new_dgram(), &r.addr));
    CHECK(reap(sender) == 0, "sender");
    pid_t got;
    peercred_message m;
    int pidfd = -1;
    receive(r.fd, &got, sizeof got, &m, &pidfd);
    CHECK(m.has_cred && m.cred.pid == sender, "an exited sender's credentials are still delivered");
    if (pidfd >= 0) {
        int32_t ppid = 7;
        CHECK(peercred_process_parent_pid(pidfd, &ppid) == -ESRCH && ppid == 7, "a reaped sender's facts: -ESRCH");
        CHECK(peercred_process_alive(pidfd) == 0, "a reaped sender is not alive");
        close(pidfd);
    }
    receiver_close(&r);
}

void test_messages(void) {
    interleaved_senders();
    queued_before_pass_credentials();
    sender_addresses();
    real_ids();
    handed_over(SOCK_SEQPACKET, "seqpacket");
    handed_over(SOCK_STREAM, "stream");
    privileged_claims();
    attached_descriptors();
    truncation();
    exited_sender();
}
