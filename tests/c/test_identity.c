/* Program identity and the right process: the executable compared by file
 * and hashed, sessions, a thread with its own descriptor table, a daemon
 * whose main thread exited, a peer whose main thread exited and then changed
 * uid, and a reader in a child PID namespace under the parent's /proc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <peercred.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "peer.h"
#include "suite.h"

#define NOBODY 65534

/* The zombie state of /proc/PID/status: the main thread has exited. */
static int is_zombie(pid_t pid) {
    char path[64], status[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(status, 1, sizeof status - 1, f);
    fclose(f);
    status[n] = '\0';
    return strstr(status, "State:\tZ") != NULL;
}

static void wait_zombie(pid_t pid) {
    for (int i = 0; i < 10000 && !is_zombie(pid); i++) usleep(1000);
}

/* The SHA-256 that sha256sum prints for `path`, as 32 bytes; 0 on success. */
static int sha256sum(const char *path, uint8_t out[PEERCRED_SHA256_LEN]) {
    char cmd[512], hex[65] = "";
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    int ok = fscanf(p, "%64s", hex) == 1;
    pclose(p);
    for (int i = 0; ok && i < PEERCRED_SHA256_LEN; i++) ok = sscanf(hex + 2 * i, "%2hhx", &out[i]) == 1;
    return ok ? 0 : -1;
}

/* A client that connects, then on release execs /bin/sleep: the facts of now
 * follow the exec; the path given is compared by file. */
void test_exe_matches_and_sha256(void) {
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0) {
        CHECK(0, "cannot listen");
        return;
    }
    int hold[2];
    if (pipe2(hold, O_CLOEXEC) < 0) return;
    p.pid = fork();
    if (p.pid == 0) {
        close(hold[1]);
        if (connect_path(l.path, SOCK_STREAM) < 0) _exit(4);
        char byte;
        if (read(hold[0], &byte, 1) != 1) _exit(0);
        execl("/bin/sleep", "sleep", "30", (char *)NULL);
        _exit(5);
    }
    close(hold[0]);
    p.conn = accept4(l.fd, NULL, NULL, SOCK_CLOEXEC);
    int pidfd = peercred_pidfd(p.conn);
    if (pidfd == -ENOPROTOOPT) {
        SKIP("exe_matches: this kernel has no SO_PEERPIDFD (Linux < 6.5)");
    } else {
        CHECK(pidfd >= 0, "peercred_pidfd %d", pidfd);
        CHECK(peercred_process_exe_matches(pidfd, "/bin/sleep") == 0, "runs the test binary before exec");
        CHECK(write(hold[1], "x", 1) == 1, "release");
        for (int i = 0; i < 10000 && peercred_process_exe_matches(pidfd, "/bin/sleep") != 1; i++) usleep(1000);
        CHECK(peercred_process_exe_matches(pidfd, "/bin/sleep") == 1, "after exec: /bin/sleep");
        CHECK(peercred_process_exe_matches(pidfd, "/usr/bin/sleep") == 1, "another path to the same file");
        CHECK(peercred_process_exe_matches(pidfd, "/bin/sh") == 0, "another file");
        CHECK(peercred_process_exe_matches(pidfd, "/nonexistent") == -ENOENT, "a missing path");
        uint8_t want[PEERCRED_SHA256_LEN], got[PEERCRED_SHA256_LEN];
        int rc = peercred_process_exe_sha256(pidfd, got);
        CHECK(sha256sum("/bin/sleep", want) == 0 && rc == 0 && memcmp(want, got, sizeof want) == 0,
              "exe_sha256 rc %d", rc);
        close(pidfd);
    }
    close(hold[1]);
    kill(p.pid, SIGKILL);
    waitpid(p.pid, NULL, 0);
    close(p.conn);
    listener_close(&l);
}

void test_own_process_and_sessions(void) {
    int own = peercred_own_pidfd();
    if (own == -ENOPROTOOPT) {
        SKIP("own process: no pidfd_open here (an old kernel, or valgrind, which does not know it)");
        return;
    }
    CHECK(own >= 0, "peercred_own_pidfd %d", own);
    if (own < 0) return;
    int32_t pid = 0, ppid = 0;
    uint32_t session = 0;
    CHECK(peercred_process_pid(own, &pid) == 0 && pid == getpid(), "own pid %d", (int)pid);
    CHECK(peercred_process_parent_pid(own, &ppid) == 0 && ppid == getppid(), "own parent %d", (int)ppid);
    CHECK(peercred_process_session_id(own, &session) == 0, "own session");
    CHECK(peercred_process_same_session(own, own) == (session != PEERCRED_NO_SESSION),
          "same_session with itself: no session matches nothing");
    CHECK(peercred_process_same_session(own, -1) == -EBADF, "a bad pidfd");
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) == 0 && peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) == 0) {
        int pidfd = peercred_pidfd(p.conn);
        if (pidfd >= 0) {
            CHECK(peercred_process_same_session(pidfd, own) == (session != PEERCRED_NO_SESSION),
                  "a child shares our session, if we have one");
            close(pidfd);
        }
        peer_reap(&p);
        listener_close(&l);
    }
    close(own);
}

struct own_table {
    int conn;
    pid_t client;
    int number;
    int decoy_ready[2]; /* the thread talks on [1], the main thread on [0] */
    int ok;
};

/* Runs with its own descriptor table; its pidfd's number names the decoy in
 * the main thread's table. */
static void *own_table_thread(void *arg) {
    struct own_table *t = arg;
    int pidfd = unshare(CLONE_FILES) < 0 ? -errno : peercred_pidfd(t->conn);
    t->number = pidfd;
    char byte = 1; /* the main thread waits for this byte whatever happened */
    if (write(t->decoy_ready[1], &byte, 1) != 1 || read(t->decoy_ready[1], &byte, 1) != 1 || pidfd < 0) {
        if (pidfd >= 0) close(pidfd);
        return NULL;
    }
    int32_t pid = 0;
    char exe[4096], want[4096];
    size_t len = sizeof exe;
    char link[64];
    snprintf(link, sizeof link, "/proc/%d/exe", (int)t->client);
    ssize_t n = readlink(link, want, sizeof want - 1);
    want[n > 0 ? n : 0] = '\0';
    t->ok = peercred_process_pid(pidfd, &pid) == 0 && pid == t->client &&
            peercred_process_exe(pidfd, exe, &len) == 0 && strcmp(exe, want) == 0 &&
            peercred_process_exe_matches(pidfd, "/bin/sleep") == 0;
    close(pidfd);
    return NULL;
}

void test_thread_with_its_own_descriptor_table(void) {
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) {
        CHECK(0, "cannot start the client");
        return;
    }
    pid_t decoy = fork();
    if (decoy == 0) {
        execl("/bin/sleep", "sleep", "30", (char *)NULL);
        _exit(1);
    }
    int decoy_pidfd = (int)syscall(SYS_pidfd_open, decoy, 0);
    if (decoy_pidfd < 0) {
        SKIP("own descriptor table: no pidfd_open here (an old kernel, or valgrind, which does not know it)");
        kill(decoy, SIGKILL);
        waitpid(decoy, NULL, 0);
        peer_reap(&p);
        listener_close(&l);
        return;
    }
    struct own_table t = {.conn = p.conn, .client = p.pid, .number = -1, .ok = 0};
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t.decoy_ready);
    pthread_t thread;
    pthread_create(&thread, NULL, own_table_thread, &t);
    char byte;
    int installed = -1;
    if (read(t.decoy_ready[0], &byte, 1) == 1 && t.number >= 0 && fcntl(t.number, F_GETFD) < 0)
        installed = dup2(decoy_pidfd, t.number);
    byte = 1;
    CHECK(write(t.decoy_ready[0], &byte, 1) == 1, "signal the thread");
    pthread_join(thread, NULL);
    if (t.number == -ENOPROTOOPT || t.number == -EINVAL || t.number == -EPERM) {
        SKIP("own descriptor table: SO_PEERPIDFD or unshare(CLONE_FILES) is not available here (%d)", t.number);
    } else {
        CHECK(installed == t.number, "decoy not installed at %d", t.number);
        CHECK(t.ok, "a thread with its own descriptor table got another process's facts");
    }
    if (installed >= 0) close(installed);
    close(decoy_pidfd);
    close(t.decoy_ready[0]);
    close(t.decoy_ready[1]);
    kill(decoy, SIGKILL);
    waitpid(decoy, NULL, 0);
    peer_reap(&p);
    listener_close(&l);
}

struct survivor {
    int conn;
    pid_t client;
    pid_t leader;
};

static void *survivor_thread(void *arg) {
    struct survivor *s = arg;
    wait_zombie(s->leader);
    int pidfd = peercred_pidfd(s->conn), own = peercred_own_pidfd();
    if (pidfd == -ENOPROTOOPT || own == -ENOPROTOOPT) _exit(77);
    int32_t pid = 0;
    uint32_t uid = 1;
    char cmdline[4096];
    size_t len = sizeof cmdline;
    int ok = pidfd >= 0 && own >= 0 && peercred_process_pid(pidfd, &pid) == 0 && pid == s->client &&
             peercred_process_alive(own) == 1 && peercred_process_uid(own, &uid) == 0 && uid == geteuid() &&
             peercred_process_cmdline(own, cmdline, &len) == 0 && len > 0 &&
             peercred_process_exe_sha256(own, (uint8_t[PEERCRED_SHA256_LEN]){0}) == 0;
    _exit(ok ? 0 : 1);
}

/* A daemon whose main thread called pthread_exit(): its other thread reads. */
void test_server_whose_main_thread_exited(void) {
    if (UNDER_QEMU()) {
        SKIP("main thread exited: " "%s does not run a process on as the kernel does once its main thread has exited (measured: cpu_exec assertion, the old credentials)", UNDER_QEMU());
        return;
    }
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) {
        CHECK(0, "cannot start the client");
        return;
    }
    pid_t daemon = fork();
    if (daemon == 0) {
        static struct survivor s;
        s = (struct survivor){.conn = p.conn, .client = p.pid, .leader = getpid()};
        pthread_t thread;
        pthread_create(&thread, NULL, survivor_thread, &s);
        pthread_exit(NULL);
    }
    int status = 0;
    waitpid(daemon, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
        SKIP("main thread exited: no SO_PEERPIDFD or pidfd_open here (an old kernel, or valgrind)");
    else
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the daemon whose main thread exited: status %d", status);
    peer_reap(&p);
    listener_close(&l);
}

/* The peer's surviving thread: as root, drops only its own ids with raw
 * system calls, reports, and ends the process when released. */
static void *drop_then_wait(void *arg) {
    int hold = *(const int *)arg;
    char byte = 1;
    if (geteuid() == 0 && (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) != 0 ||
                           syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY) != 0))
        byte = 0;
    if (write(hold, &byte, 1) != 1 || read(hold, &byte, 1) < 0) _exit(1);
    _exit(0);
}

/* A peer whose main thread exited, after which (as root) its live thread
 * dropped to nobody: the zombie leader's status still says root. */
void test_peer_whose_main_thread_exited(void) {
    if (UNDER_QEMU()) {
        SKIP("zombie leader: " "%s does not run a process on as the kernel does once its main thread has exited (measured: cpu_exec assertion, the old credentials)", UNDER_QEMU());
        return;
    }
    struct listener l;
    if (listener_open(&l, SOCK_STREAM) < 0) return;
    int hold[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, hold);
    pid_t peer = fork();
    if (peer == 0) {
        static int child_hold;
        child_hold = hold[1];
        if (connect_path(l.path, SOCK_STREAM) < 0) _exit(4);
        pthread_t thread;
        pthread_create(&thread, NULL, drop_then_wait, &child_hold);
        pthread_exit(NULL);
    }
    int conn = accept4(l.fd, NULL, NULL, SOCK_CLOEXEC);
    char byte = 0;
    CHECK(read(hold[0], &byte, 1) == 1 && byte == 1, "the peer could not change its ids");
    wait_zombie(peer);
    int pidfd = peercred_pidfd(conn);
    if (pidfd == -ENOPROTOOPT) {
        SKIP("zombie leader: this kernel has no SO_PEERPIDFD (Linux < 6.5)");
    } else {
        uint32_t uid = 0, gid = 0, want = geteuid() == 0 ? NOBODY : geteuid();
        char cmdline[4096], exe[4096];
        size_t len = sizeof cmdline, exe_len = sizeof exe;
        CHECK(peercred_process_alive(pidfd) == 1, "a process with a live thread runs");
        CHECK(peercred_process_uid(pidfd, &uid) == 0 && uid == want, "uid %u, want %u (the live thread's)", uid, want);
        CHECK(peercred_process_gid(pidfd, &gid) == 0 && gid == (geteuid() == 0 ? NOBODY : getegid()), "gid %u", gid);
        CHECK(peercred_process_cmdline(pidfd, cmdline, &len) == 0 && len > 0, "an empty command line");
        CHECK(peercred_process_exe(pidfd, exe, &exe_len) == 0, "no executable");
        close(pidfd);
    }
    CHECK(write(hold[0], "x", 1) == 1, "release");
    int status = 0;
    waitpid(peer, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "peer status %d", status);
    close(conn);
    close(hold[0]);
    close(hold[1]);
    listener_close(&l);
}

/* The Pid line of a pidfd's fdinfo: its number in /proc's PID namespace. */
static int proc_numbered_pid(int pidfd) {
    char path[64];
    int pid = -1;
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Pid: %d", &pid) == 1) break;
    fclose(f);
    return pid;
}

/* `unshare --pid --fork` without --mount-proc: the reader is pid 1, /proc
 * numbers the parent's namespace. A peer inside has read()'s pid and its
 * facts; one outside (this process, through a socketpair) has pid 0 and
 * -EREMOTE, though /proc shows it. */
static int reader_under_the_parents_proc(int outside) {
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) return 10;
    peercred_ucred cred;
    int pidfd = peercred_pidfd(p.conn);
    if (pidfd == -ENOPROTOOPT) return 77;
    int32_t pid = -1, ppid = -1;
    char exe[4096], want[4096], link[64];
    size_t len = sizeof exe;
    /* What /proc (the parent namespace's) calls the client: its fdinfo number.
     * (Not /proc/self/exe: valgrind answers that one with the program it runs.) */
    snprintf(link, sizeof link, "/proc/%d/exe", proc_numbered_pid(pidfd));
    ssize_t n = readlink(link, want, sizeof want - 1);
    want[n > 0 ? n : 0] = '\0';
    int inside = peercred_read(p.conn, &cred) == 0 && peercred_process_pid(pidfd, &pid) == 0 && pid == cred.pid &&
                 pid == p.pid && peercred_process_parent_pid(pidfd, &ppid) == 0 && ppid == 1 &&
                 peercred_process_exe(pidfd, exe, &len) == 0 && strcmp(exe, want) == 0;
    /* Without PIDFD_GET_INFO (before 6.13) a bare pidfd's pid is known only in
     * /proc's numbering, which is not ours here: no answer in the wrong one. */
    if (as_old_kernel()) inside = peercred_process_pid(pidfd, &pid) == -ENXIO;
    close(pidfd);
    peer_reap(&p);
    listener_close(&l);
    if (!inside) return 11;
    int far = peercred_pidfd(outside);
    /* Without SO_PEERPIDFD, no pid here means nothing to pin. */
    if (as_old_kernel()) return far == -EREMOTE ? 0 : 12;
    len = sizeof exe;
    pid = -1;
    int refused = far >= 0 && peercred_process_pid(far, &pid) == 0 && pid == 0 &&
                  peercred_process_exe(far, exe, &len) == -EREMOTE &&
                  peercred_process_exe_matches(far, "/bin/sh") == -EREMOTE;
    close(far);
    return refused ? 0 : 12;
}

void test_pid_namespace_under_the_parents_proc(void) {
    if (UNDER_QEMU()) {
        SKIP("PID namespace under the parent's /proc: fails under %s (the emulated client's exe as /proc names it; not diagnosed further)", UNDER_QEMU());
        return;
    }
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    pid_t child = fork();
    if (child == 0) {
        if (unshare(CLONE_NEWPID) < 0) _exit(77);
        pid_t reader = fork();
        if (reader == 0) _exit(reader_under_the_parents_proc(sv[0]));
        int status = 0;
        waitpid(reader, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 13);
    }
    int status = 0;
    waitpid(child, &status, 0);
    close(sv[0]);
    close(sv[1]);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        SKIP("PID namespace without its own /proc: unshare or SO_PEERPIDFD is not available here");
        return;
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader under the parent's /proc: status %d",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
