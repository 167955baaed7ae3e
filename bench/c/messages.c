/* Receiving one datagram with its sender's credentials: peercred_recv() next
 * to the recvmsg(2) a C programmer writes for the same answer (data,
 * SCM_CREDENTIALS, SCM_PIDFD, the pidfd closed), in alternating rounds, from
 * a sender in another process. The kernel queues at most
 * net.unix.max_dgram_qlen datagrams (10 by default), so the sender refills the
 * queue between timed batches and only the receiving is timed. Prints one
 * JSON object per measurement. */
#define _GNU_SOURCE
#include <errno.h>
#include <peercred.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define ROUNDS 7
#define SIZE 64
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04
#endif

static volatile unsigned sink;

/* The hand-written floor: the same facts, parsed with the CMSG macros. */
static int raw_recv(int fd) {
    char data[SIZE];
    union {
        char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    if (recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) < 0) return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof cred);
            sink += cred.uid;
        } else if (c->cmsg_type == SCM_PIDFD) {
            int pidfd;
            memcpy(&pidfd, CMSG_DATA(c), sizeof pidfd);
            if (pidfd >= 0) close(pidfd);
        }
    }
    return 0;
}

static int bare_recv(int fd) {
    char data[SIZE];
    return recv(fd, data, sizeof data, 0) < 0 ? -1 : 0;
}

static int ours(int fd) {
    char data[SIZE];
    peercred_message m;
    if (peercred_recv(fd, data, sizeof data, 0, &m) < 0) return -1;
    sink += m.cred.uid;
    if (m.pidfd >= 0) close(m.pidfd);
    return 0;
}

struct filler {
    int request, reply; /* pipes to and from the sender */
    pid_t pid;
};

/* A sender in another process: on each request it fills the receiver's queue
 * (non-blocking sends until EAGAIN) and answers how many it queued. */
static struct filler start_filler(const struct sockaddr_un *to) {
    int ask[2], tell[2];
    if (pipe(ask) < 0 || pipe(tell) < 0) abort();
    struct filler f = {.request = ask[1], .reply = tell[0]};
    f.pid = fork();
    if (f.pid == 0) {
        int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        char data[SIZE] = "<13>bench: a log line of sixty-four bytes, more or less, here";
        char byte;
        while (read(ask[0], &byte, 1) == 1) {
            int n = 0;
            while (sendto(fd, data, sizeof data, MSG_DONTWAIT, (const struct sockaddr *)to, sizeof *to) == sizeof data) n++;
            if (write(tell[1], &n, sizeof n) != sizeof n) _exit(1);
        }
        _exit(0);
    }
    return f;
}

static int fill(const struct filler *f) {
    int n = 0;
    if (write(f->request, "f", 1) != 1 || read(f->reply, &n, sizeof n) != sizeof n) abort();
    return n;
}

/* ns per message of `receive`, over batches totalling at least `messages`. */
static double timed(int (*receive)(int), int fd, const struct filler *f, long messages) {
    double spent = 0;
    long done = 0;
    while (done < messages) {
        int n = fill(f);
        double start = now_ns();
        for (int i = 0; i < n; i++)
            if (receive(fd) < 0) abort();
        spent += now_ns() - start;
        done += n;
    }
    return spent / done;
}

struct receiver {
    int fd;
    struct sockaddr_un addr;
    struct filler filler;
};

static void open_receiver(struct receiver *r, const char *tag, int pidfd) {
    r->addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    snprintf(r->addr.sun_path, sizeof r->addr.sun_path, "/tmp/peercred-bench-%s-%d.sock", tag, (int)getpid());
    unlink(r->addr.sun_path);
    r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int on = 1;
    if (setsockopt(r->fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) abort();
    if (pidfd && setsockopt(r->fd, SOL_SOCKET, SO_PASSPIDFD, &on, sizeof on) < 0) abort();
    if (bind(r->fd, (struct sockaddr *)&r->addr, sizeof r->addr) < 0) abort();
    r->filler = start_filler(&r->addr);
}

static void close_receiver(struct receiver *r) {
    kill(r->filler.pid, SIGKILL);
    close(r->fd);
    unlink(r->addr.sun_path);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    struct receiver with_pidfd, without;
    open_receiver(&with_pidfd, "pidfd", 1);
    open_receiver(&without, "cred", 0);
    struct {
        const char *name;
        int (*receive)(int);
        struct receiver *r;
    } contestants[] = {
        {"recvmsg raw: data only", bare_recv, &with_pidfd},
        {"recvmsg raw: data + SCM_CREDENTIALS + SCM_PIDFD", raw_recv, &with_pidfd},
        {"peercred_recv (with SCM_PIDFD)", ours, &with_pidfd},
        {"recvmsg raw: data + SCM_CREDENTIALS", raw_recv, &without},
        {"peercred_recv (SCM_CREDENTIALS only)", ours, &without},
    };
    enum { N = sizeof contestants / sizeof contestants[0] };
    for (int c = 0; c < N; c++) timed(contestants[c].receive, contestants[c].r->fd, &contestants[c].r->filler, n / 10);
    for (int round = 0; round < ROUNDS; round++) {
        for (int c = 0; c < N; c++) {
            double ns = timed(contestants[c].receive, contestants[c].r->fd, &contestants[c].r->filler, n);
            printf("{\"lang\":\"c\",\"name\":\"%s\",\"round\":%d,\"ns\":%.1f}\n", contestants[c].name, round, ns);
            fflush(stdout);
        }
    }
    close_receiver(&with_pidfd);
    close_receiver(&without);
    return 0;
}
