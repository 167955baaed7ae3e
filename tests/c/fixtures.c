#define _GNU_SOURCE
#include "fixtures.h"
#include "peer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_un unix_path(struct fixture *fx, const char *name) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (!fx->dir[0]) {
        snprintf(fx->dir, sizeof fx->dir, "/tmp/peercred-fx-XXXXXX");
        if (!mkdtemp(fx->dir)) fx->dir[0] = '\0';
    }
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s", fx->dir, name);
    return addr;
}

static int unix_bound(struct fixture *fx, int type, const char *name, int backlog) {
    struct sockaddr_un addr = unix_path(fx, name);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) return -1;
    if (backlog > 0 && listen(fd, backlog) < 0) return -1;
    return fd;
}

static int unix_connect(struct fixture *fx, int type, const char *name) {
    struct sockaddr_un addr = unix_path(fx, name);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) return -1;
    return fd;
}

/* Listener, connected client and accepted end; returns the end asked for. */
static int unix_connection(struct fixture *fx, int type, int want_accepted) {
    fx->keep[0] = unix_bound(fx, type, "listener", 4);
    fx->keep[1] = unix_connect(fx, type, "listener");
    fx->keep[2] = accept4(fx->keep[0], NULL, NULL, SOCK_CLOEXEC);
    if (want_accepted) {
        int fd = fx->keep[2];
        fx->keep[2] = -1;
        return fd;
    }
    int fd = fx->keep[1];
    fx->keep[1] = -1;
    return fd;
}

static int tcp(struct fixture *fx, int connected) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, len) < 0 || listen(fd, 4) < 0) return -1;
    if (!connected) return fd;
    fx->keep[0] = fd;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    fx->keep[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fx->keep[1], (struct sockaddr *)&addr, len) < 0) return -1;
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC);
}

static int pair(struct fixture *fx, int type) {
    int sv[2];
    if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0) return -1;
    fx->keep[0] = sv[1];
    return sv[0];
}

/* Sends `fd` over `chan` with SCM_RIGHTS. */
static int send_fd(int chan, int fd) {
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    return sendmsg(chan, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int chan) {
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    if (recvmsg(chan, &msg, MSG_CMSG_CLOEXEC) != 1) return -1;
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return fd;
}

/* The *-other-process fixtures: a forked helper listens, connects and accepts
 * (or makes a socketpair), hands over the socket `name` asks for, keeps the
 * rest, and waits to be killed by fixture_close(). */
static int from_helper(struct fixture *fx, const char *name) {
    int chan[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, chan) < 0) return -1;
    struct sockaddr_un addr = unix_path(fx, "listener");
    fx->peer = fork();
    if (fx->peer < 0) return -1;
    if (fx->peer == 0) {
        int handed;
        if (!strcmp(name, "socketpair-stream-other-process")) {
            int sv[2];
            handed = socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ? -1 : sv[0];
        } else {
            int listener = socket(AF_UNIX, SOCK_STREAM, 0);
            if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 4) < 0) _exit(1);
            handed = listener;
            if (strcmp(name, "unix-stream-listening-other-process") != 0) {
                int client = socket(AF_UNIX, SOCK_STREAM, 0);
                if (connect(client, (struct sockaddr *)&addr, sizeof addr) < 0) _exit(1);
                int accepted = accept(listener, NULL, NULL);
                handed = !strcmp(name, "unix-stream-accepted-other-process") ? accepted : client;
            }
        }
        if (handed < 0 || send_fd(chan[1], handed) < 0) _exit(1);
        for (;;) pause();
    }
    int fd = bound_waits(chan[0]) < 0 ? -1 : recv_fd(chan[0]);
    close(chan[0]);
    close(chan[1]);
    return fd;
}

static int build(const char *name, struct fixture *fx) {
    size_t len = strlen(name), suffix = strlen("-other-process");
    if (len > suffix && !strcmp(name + len - suffix, "-other-process")) return from_helper(fx, name);
    if (!strcmp(name, "socketpair-stream")) return pair(fx, SOCK_STREAM);
    if (!strcmp(name, "socketpair-dgram")) return pair(fx, SOCK_DGRAM);
    if (!strcmp(name, "socketpair-seqpacket")) return pair(fx, SOCK_SEQPACKET);
    if (!strcmp(name, "unix-stream-accepted")) return unix_connection(fx, SOCK_STREAM, 1);
    if (!strcmp(name, "unix-stream-connecting")) return unix_connection(fx, SOCK_STREAM, 0);
    if (!strcmp(name, "unix-seqpacket-accepted")) return unix_connection(fx, SOCK_SEQPACKET, 1);
    if (!strcmp(name, "closed-fd")) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        close(fd);
        return fd;
    }
    if (!strcmp(name, "negative-fd")) return -1;
    if (!strcmp(name, "o-path-fd")) return open("/", O_PATH | O_CLOEXEC);
    if (!strcmp(name, "pipe")) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) return -1;
        fx->keep[0] = p[1];
        return p[0];
    }
    if (!strcmp(name, "regular-file")) {
        struct sockaddr_un path = unix_path(fx, "file");
        return open(path.sun_path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    }
    if (!strcmp(name, "dev-null")) return open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (!strcmp(name, "tcp-listening")) return tcp(fx, 0);
    if (!strcmp(name, "tcp-connected")) return tcp(fx, 1);
    if (!strcmp(name, "udp")) {
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        return fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 ? -1 : fd;
    }
    if (!strcmp(name, "netlink")) return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (!strcmp(name, "unix-stream-unconnected")) return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (!strcmp(name, "unix-stream-bound")) return unix_bound(fx, SOCK_STREAM, "bound", 0);
    if (!strcmp(name, "unix-dgram-unbound")) return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (!strcmp(name, "unix-dgram-connected")) {
        fx->keep[0] = unix_bound(fx, SOCK_DGRAM, "dgram", 0);
        return unix_connect(fx, SOCK_DGRAM, "dgram");
    }
    if (!strcmp(name, "unix-stream-listening")) return unix_bound(fx, SOCK_STREAM, "listening", 4);
    if (!strcmp(name, "unix-seqpacket-listening")) return unix_bound(fx, SOCK_SEQPACKET, "listening", 4);
    return -2;
}

int fixture_open(const char *name, struct fixture *fx) {
    memset(fx, 0, sizeof *fx);
    fx->keep[0] = fx->keep[1] = fx->keep[2] = -1;
    fx->fd = build(name, fx);
    fx->owns_fd = strcmp(name, "closed-fd") != 0;
    /* closed-fd and negative-fd are meant to be invalid numbers */
    if (fx->fd == -2 || (fx->fd < 0 && strcmp(name, "negative-fd") != 0)) return -1;
    return 0;
}

void fixture_close(struct fixture *fx) {
    if (fx->fd >= 0 && fx->owns_fd) close(fx->fd);
    if (fx->peer > 0) {
        kill(fx->peer, SIGKILL);
        waitpid(fx->peer, NULL, 0);
    }
    for (int i = 0; i < 3; i++)
        if (fx->keep[i] >= 0) close(fx->keep[i]);
    if (!fx->dir[0]) return;
    static const char *const names[] = {"listener", "bound", "file", "dgram", "listening"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct sockaddr_un path = unix_path(fx, names[i]);
        unlink(path.sun_path);
    }
    rmdir(fx->dir);
}
