/* Peers in other processes, under other ids, across PID namespaces, and many
 * threads reading at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <peercred.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "peer.h"
#include "suite.h"

#define NOBODY 65534

static void expect_peer(uid_t uid, gid_t gid, const char *what) {
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, uid, gid, NULL, 0) < 0) {
        CHECK(0, "%s: cannot start the client", what);
        return;
    }
    peercred_ucred cred;
    int rc = peercred_read(p.conn, &cred);
    uid_t want_uid = uid == SAME_IDS ? geteuid() : uid;
    gid_t want_gid = uid == SAME_IDS ? getegid() : gid;
    CHECK(rc == 0 && cred.pid == p.pid && cred.uid == want_uid && cred.gid == want_gid,
          "%s: rc %d pid %d (client %d) uid %u gid %u", what, rc, (int)cred.pid, (int)p.pid, cred.uid, cred.gid);
    CHECK(peer_reap(&p) == 0, "%s: the client failed", what);
    listener_close(&l);
}

void test_other_process(void) { expect_peer(SAME_IDS, 0, "client in another process"); }

void test_other_user(void) {
    if (geteuid() != 0) {
        SKIP("client under another uid: needs root to setuid");
        return;
    }
    expect_peer(NOBODY, NOBODY, "client as 65534:65534");
}

void test_client_sees_listener(void) {
    struct listener l;
    if (listener_open(&l, SOCK_STREAM) < 0) {
        CHECK(0, "listener");
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        peercred_ucred cred;
        int fd = connect_path(l.path, SOCK_STREAM);
        _exit(fd >= 0 && peercred_read(fd, &cred) == 0 && cred.pid == getppid() ? 0 : 1);
    }
    int conn = accept4(l.fd, NULL, NULL, SOCK_CLOEXEC);
    int status = 0;
    waitpid(child, &status, 0);
    close(conn);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the connecting end did not name the listener's process");
    listener_close(&l);
}

/* The reader is pid 1 of a new PID namespace; the socketpair's creator (this
 * process) is outside it, so the kernel reports pid 0 and peercred says
 * "unknown" (0 in C) instead of a wrong pid. */
void test_pid_namespace(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    pid_t child = fork();
    if (child == 0) {
        if (unshare(CLONE_NEWPID) < 0) _exit(errno == EPERM || errno == EINVAL ? 77 : 10);
        pid_t reader = fork();
        if (reader == 0) {
            peercred_ucred cred;
            int rc = peercred_read(sv[0], &cred);
            _exit(rc == 0 && cred.pid == 0 && cred.uid == geteuid() && getpid() == 1 ? 0 : 1);
        }
        int status = 0;
        waitpid(reader, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 11);
    }
    int status = 0;
    waitpid(child, &status, 0);
    close(sv[0]);
    close(sv[1]);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        SKIP("PID namespace: unshare(CLONE_NEWPID) is not permitted here (needs root or CAP_SYS_ADMIN)");
        return;
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader in a child PID namespace: status %d", status);
}

#define THREADS 8

/* Reads per thread: 100,000, fewer under valgrind (PEERCRED_TEST_READS). */
static long reads_per_thread(void) {
    const char *env = getenv("PEERCRED_TEST_READS");
    return env ? atol(env) : 100000;
}

struct reader {
    int conn;   /* an accepted connection from a client process */
    pid_t peer; /* that client */
    long reads;
    long wrong;
};

static void *reader_thread(void *arg) {
    struct reader *r = arg;
    for (long i = 0; i < r->reads; i++) {
        peercred_ucred cred = {0};
        if (peercred_read(r->conn, &cred) != 0 || cred.pid != r->peer || cred.uid != geteuid()) r->wrong++;
    }
    return NULL;
}

/* Opens and closes sockets while the readers run, so descriptor numbers keep
 * being reused. Bounded, not "until told": under valgrind, which runs one
 * thread at a time, a spinning thread would starve the readers. */
static void *churn_thread(void *arg) {
    long rounds = *(const long *)arg;
    for (long i = 0; i < rounds; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
            close(sv[0]);
            close(sv[1]);
        }
    }
    return NULL;
}

void test_threads(void) {
    pthread_t readers[THREADS], churners[2];
    struct reader work[THREADS];
    struct listener l;
    struct peer clients[THREADS];
    /* The clients fork before any thread starts. */
    if (listener_open(&l, SOCK_STREAM) < 0) {
        CHECK(0, "threads: listener");
        return;
    }
    for (int i = 0; i < THREADS; i++) {
        if (peer_start(&clients[i], &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) {
            CHECK(0, "threads: cannot start client %d", i);
            return;
        }
    }
    long churn = reads_per_thread() / 4;
    for (int i = 0; i < 2; i++) pthread_create(&churners[i], NULL, churn_thread, &churn);
    for (int i = 0; i < THREADS; i++) {
        work[i] = (struct reader){.conn = clients[i].conn, .peer = clients[i].pid, .reads = reads_per_thread()};
        pthread_create(&readers[i], NULL, reader_thread, &work[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(readers[i], NULL);
        CHECK(work[i].wrong == 0, "thread %d: %ld wrong answers", i, work[i].wrong);
    }
    for (int i = 0; i < 2; i++) pthread_join(churners[i], NULL);
    /* Each client holds copies of the earlier ones' pipes: let all go first. */
    for (int i = 0; i < THREADS; i++) peer_release(&clients[i]);
    for (int i = 0; i < THREADS; i++) peer_reap(&clients[i]);
    listener_close(&l);
}
