/* Supplementary groups, the security label, and the peer's pidfd through a
 * live, a zombie and a reaped peer. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <peercred.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "peer.h"
#include "suite.h"

#define NOBODY 65534

void test_groups(void) {
    if (geteuid() != 0) {
        SKIP("groups of another peer: needs root to setgroups");
        return;
    }
    static const gid_t set[] = {4242, 4343, 4444};
    struct listener l;
    struct peer p;
    for (size_t n = 0; n <= 3; n += 3) {
        if (n > 1 && UNDER_QEMU()) {
            SKIP("groups of another peer: %s passes SO_PEERGROUPS through as a 4-byte int option: "
                 "more than one group ends in ERANGE", UNDER_QEMU());
            continue;
        }
        if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, NOBODY, NOBODY, set, n) < 0) {
            CHECK(0, "cannot start a client with %zu groups", n);
            return;
        }
        uint32_t groups[8] = {0};
        size_t count = 1;
        int rc = peercred_groups(p.conn, groups, &count);
        if (n == 3) {
            CHECK(rc == -ERANGE && count == 3 && groups[0] == 0, "too small: rc %d count %zu", rc, count);
            count = 8;
            rc = peercred_groups(p.conn, groups, &count);
            CHECK(rc == 0 && count == 3 && groups[0] == 4242 && groups[1] == 4343 && groups[2] == 4444,
                  "rc %d count %zu groups %u %u %u", rc, count, groups[0], groups[1], groups[2]);
        } else {
            CHECK(rc == 0 && count == 0, "no groups: rc %d count %zu", rc, count);
        }
        peer_reap(&p);
        listener_close(&l);
    }
}

void test_label(void) {
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) {
        CHECK(0, "label: cannot start the client");
        return;
    }
    char buf[256] = "untouched";
    size_t len = sizeof buf;
    int rc = peercred_security_label(p.conn, buf, &len);
    if (rc == 0) {
        SKIP("label: a labelling LSM is loaded, so the no-LSM path cannot be shown (got \"%s\")", buf);
        CHECK(len == strlen(buf) + 1, "label length %zu", len);
    } else {
        /* A real label cannot be made without SELinux, AppArmor or Smack. */
        CHECK(rc == -ENOPROTOOPT && strcmp(buf, "untouched") == 0 && len == sizeof buf, "no LSM: rc %d", rc);
    }
    peer_reap(&p);
    listener_close(&l);
}

/* The process facts that a live peer must answer with its own values. */
static void check_live_facts(int pidfd, const struct peer *p) {
    int32_t pid = 0, ppid = 0;
    uint32_t uid = 1, gid = 1, session = 0;
    uint64_t ticks = 0;
    char exe[4096];
    size_t len = sizeof exe;
    CHECK(peercred_process_alive(pidfd) == 1, "live peer not alive");
    CHECK(peercred_process_pid(pidfd, &pid) == 0 && pid == p->pid, "pid %d, client %d", (int)pid, (int)p->pid);
    CHECK(peercred_process_parent_pid(pidfd, &ppid) == 0 && ppid == getpid(), "parent pid %d", (int)ppid);
    CHECK(peercred_process_uid(pidfd, &uid) == 0 && uid == geteuid(), "uid %u", uid);
    CHECK(peercred_process_gid(pidfd, &gid) == 0 && gid == getegid(), "gid %u", gid);
    CHECK(peercred_process_session_id(pidfd, &session) == 0, "session id");
    CHECK(peercred_process_start_time(pidfd, &ticks) == 0 && ticks > 0, "start time");
    /* What the kernel says of the live client's pid right now (not /proc/self:
     * valgrind answers that one with the program it runs). */
    char own[4096], link[64];
    snprintf(link, sizeof link, "/proc/%d/exe", (int)p->pid);
    ssize_t n = readlink(link, own, sizeof own - 1);
    own[n > 0 ? n : 0] = '\0';
    CHECK(peercred_process_exe(pidfd, exe, &len) == 0 && strcmp(exe, own) == 0, "exe %s, want %s", exe, own);
}

void test_pidfd_lifecycle(void) {
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) {
        CHECK(0, "cannot start the client");
        return;
    }
    int pidfd = peercred_pidfd(p.conn);
    if (pidfd == -ENOPROTOOPT) {
        SKIP("pidfd: this kernel has neither SO_PEERPIDFD nor pidfd_open");
        peer_reap(&p);
        listener_close(&l);
        return;
    }
    CHECK(pidfd >= 0, "live peer: peercred_pidfd %d", pidfd);
    check_live_facts(pidfd, &p);

    peer_release(&p);
    peer_wait_exit(&p); /* now a zombie: exited, not reaped */
    int32_t ppid = 0;
    CHECK(peercred_process_alive(pidfd) == 0, "zombie reported alive");
    CHECK(peercred_process_parent_pid(pidfd, &ppid) == -ESRCH, "zombie's facts must be -ESRCH");
    int zombie_pidfd = peercred_pidfd(p.conn);
    if (as_old_kernel()) {
        /* The fallback: a zombie holds no descriptor that could prove it is the peer. */
        CHECK(zombie_pidfd == -ESRCH, "zombie under the fallback: %d", zombie_pidfd);
    } else {
        CHECK(zombie_pidfd >= 0 && peercred_process_alive(zombie_pidfd) == 0, "zombie: pidfd %d", zombie_pidfd);
    }
    if (zombie_pidfd >= 0) close(zombie_pidfd);

    waitpid(p.pid, NULL, 0);
    CHECK(peercred_pidfd(p.conn) == -ESRCH, "reaped peer: peercred_pidfd must be -ESRCH");
    close(p.conn);
    CHECK(peercred_process_alive(pidfd) == 0, "reaped peer reported alive");
    int32_t pid = 7;
    CHECK(peercred_process_pid(pidfd, &pid) == -ESRCH && pid == 7, "reaped peer's pid must be -ESRCH");
    close(pidfd);
    listener_close(&l);
}

/* In a private PID namespace (as its init, with its own /proc): the client
 * connects, exits and is reaped, and the next fork is forced onto its pid.
 * /proc/PID then names the impostor; the pidfd taken at accept() must not. */
static int pid_reuse_as_init(void) {
    /* "none": ignored for a propagation change, but valgrind checks the strings. */
    if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 || mount("proc", "/proc", "proc", 0, NULL) < 0) return 77;
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, 0, NULL, 0) < 0) return 10;
    int pidfd = peercred_pidfd(p.conn);
    if (pidfd < 0) return pidfd == -ENOPROTOOPT ? 77 : 11;
    pid_t reused = p.pid;
    peer_reap(&p);
    FILE *last = fopen("/proc/sys/kernel/ns_last_pid", "w");
    if (!last || fprintf(last, "%d", (int)reused - 1) < 0 || fclose(last) != 0) return 12;
    pid_t impostor = fork();
    if (impostor == 0) {
        execl("/bin/sleep", "sleep", "30", (char *)NULL);
        _exit(1);
    }
    if (impostor != reused) return 13;
    char link[64], target[256] = "";
    snprintf(link, sizeof link, "/proc/%d/exe", (int)reused);
    while (!strstr(target, "sleep")) { /* until the impostor has exec'd */
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
    }
    char exe[256];
    size_t len = sizeof exe;
    int refused = peercred_process_alive(pidfd) == 0 && peercred_process_exe(pidfd, exe, &len) == -ESRCH;
    kill(impostor, SIGKILL);
    waitpid(impostor, NULL, 0);
    close(pidfd);
    listener_close(&l);
    return refused ? 0 : 14;
}

void test_pid_reuse(void) {
    if (geteuid() != 0) {
        SKIP("forced pid reuse: needs root (unshare, ns_last_pid)");
        return;
    }
    pid_t helper = fork();
    if (helper == 0) {
        if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0) _exit(77);
        pid_t init = fork();
        if (init == 0) _exit(pid_reuse_as_init());
        int status = 0;
        waitpid(init, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 15);
    }
    int status = 0;
    waitpid(helper, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        SKIP("forced pid reuse: unshare, mount or SO_PEERPIDFD is not available here");
        return;
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the pidfd described the impostor, or the setup failed: %d",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
