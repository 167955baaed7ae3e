/* Where the caller lives, through the C ABI: a host client shares every
 * namespace; a container-like client (new PID, mount, network, UTS, IPC and
 * cgroup namespaces, as root) differs in those; credentials now; the fields of
 * cgroup paths; a client's pidfs id; waiting for its exit, then its status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <peercred.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "peer.h"
#include "suite.h"

#define ALL_NAMESPACES 0xffu
#define CONTAINER_NAMESPACES \
    ((1u << PEERCRED_NS_CGROUP) | (1u << PEERCRED_NS_IPC) | (1u << PEERCRED_NS_MNT) | (1u << PEERCRED_NS_NET) | \
     (1u << PEERCRED_NS_PID) | (1u << PEERCRED_NS_UTS))

static const char *const KIND_NAMES[PEERCRED_NS_COUNT] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};

void test_host_client_namespaces(void) {
    struct listener l;
    struct peer p;
    if (listener_open(&l, SOCK_STREAM) < 0 || peer_start(&p, &l, SOCK_STREAM, SAME_IDS, SAME_IDS, NULL, 0) < 0) {
        CHECK(0, "cannot start a client");
        return;
    }
    int pidfd = peercred_pidfd(p.conn), own = peercred_own_pidfd();
    if (pidfd == -ENOPROTOOPT) {
        SKIP("namespaces: this kernel has no SO_PEERPIDFD (Linux < 6.5)");
        peer_reap(&p);
    } else {
        /* valgrind does not know pidfd_open: then nothing is compared with our own pidfd. */
        if (own < 0) SKIP("our own pidfd: no pidfd_open here (an old kernel, or valgrind)");
        peercred_namespaces ns, mine;
        CHECK(peercred_process_namespaces(pidfd, &ns) == 0, "namespaces");
        CHECK(ns.shared == ALL_NAMESPACES, "shared %#x", ns.shared);
        if (own >= 0) {
            CHECK(peercred_process_namespaces(own, &mine) == 0, "own namespaces");
            CHECK(memcmp(&ns, &mine, sizeof ns) == 0, "the same as ours");
        }
        for (int kind = 0; kind < PEERCRED_NS_COUNT; kind++) {
            char path[64];
            struct stat st;
            snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)p.pid, KIND_NAMES[kind]);
            if (!(ns.unique & (1u << kind)) && stat(path, &st) == 0)
                CHECK(ns.id[kind] == st.st_ino, "%s: the nsfs inode", KIND_NAMES[kind]);
        }
        uint32_t owner = 7, own_owner = 8;
        if (UNDER_QEMU()) {
            SKIP("user namespace owner: %s answers NS_GET_OWNER_UID, its only source, with ENOSYS", UNDER_QEMU());
        } else {
            CHECK(peercred_process_user_namespace_owner(pidfd, &owner) == 0, "owner");
            if (own >= 0)
                CHECK(peercred_process_user_namespace_owner(own, &own_owner) == 0 && owner == own_owner, "owner %u",
                      owner);
        }

        peercred_credentials now;
        peercred_ucred at_connect;
        CHECK(peercred_process_credentials(pidfd, &now) == 0, "credentials");
        CHECK(peercred_read(p.conn, &at_connect) == 0, "read");
        CHECK(now.uid[1] == at_connect.uid && now.gid[1] == at_connect.gid, "unchanged since connect");
        CHECK(now.uid[0] == getuid() && now.uid[3] == geteuid(), "real %u fs %u", now.uid[0], now.uid[3]);
        CHECK((now.cap_effective & ~now.cap_permitted) == 0, "effective within permitted");

        char theirs[512], ours[512];
        size_t len = sizeof theirs, own_len = sizeof ours;
        CHECK(peercred_process_cgroup(pidfd, theirs, &len) == 0, "cgroup");
        if (own >= 0)
            CHECK(peercred_process_cgroup(own, ours, &own_len) == 0 && strcmp(theirs, ours) == 0, "cgroup %s",
                  theirs);

        uint64_t id = 0, own_id = 0;
        int rc = peercred_process_pidfs_id(pidfd, &id);
        if (rc == -ENOPROTOOPT) {
            SKIP("pidfs ids: Linux < 6.9");
        } else {
            CHECK(rc == 0, "pidfs id %d", rc);
            if (own >= 0)
                CHECK(peercred_process_pidfs_id(own, &own_id) == 0 && id != own_id, "pidfs ids %lu %lu",
                      (unsigned long)id, (unsigned long)own_id);
        }
        char boot[64];
        size_t boot_len = sizeof boot;
        CHECK(peercred_boot_id(boot, &boot_len) == 0 && boot_len == 37, "boot id %s", boot);

        /* Waiting: not yet, then the exit, then the status once reaped. */
        CHECK(peercred_process_wait_exit(pidfd, 10) == 0, "still running");
        int status = -1;
        rc = peercred_process_exit_status(pidfd, &status);
        CHECK(rc == 0 || rc == -ENOPROTOOPT, "no status while it runs: %d", rc);
        peer_release(&p);
        CHECK(peercred_process_wait_exit(pidfd, -1) == 1, "exited");
        struct pollfd readable = {.fd = pidfd, .events = POLLIN};
        CHECK(poll(&readable, 1, 0) == 1, "the pidfd is readable at the exit");
        int reaped = peer_reap(&p);
        rc = peercred_process_exit_status(pidfd, &status);
        if (rc == -ENOPROTOOPT) {
            SKIP("exit status: Linux < 6.15");
        } else {
            CHECK(rc == 1 && status == reaped, "status %d, waitpid said %d (rc %d)", status, reaped, rc);
        }
        close(pidfd);
    }
    if (own >= 0) close(own);
    listener_close(&l);
}

/* A forked client that unshares the namespaces of a rootful container, then
 * forks again to enter its PID namespace, connects, and waits on `hold`. */
void test_container_like_client(void) {
    if (geteuid() != 0) {
        SKIP("container-like client: needs root (unshare)");
        return;
    }
    struct listener l;
    if (listener_open(&l, SOCK_STREAM) < 0) return;
    int hold[2];
    if (pipe2(hold, O_CLOEXEC) < 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        close(hold[1]);
        if (unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP) != 0)
            _exit(77);
        pid_t inner = fork();
        if (inner == 0) {
            char byte;
            if (connect_path(l.path, SOCK_STREAM) < 0) _exit(4);
            if (read(hold[0], &byte, 1) < 0) _exit(5);
            _exit(0);
        }
        int status;
        waitpid(inner, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 6);
    }
    close(hold[0]);
    struct pollfd incoming = {.fd = l.fd, .events = POLLIN};
    if (poll(&incoming, 1, 5000) != 1) {
        SKIP("container-like client: unshare refused");
    } else {
        int conn = accept4(l.fd, NULL, NULL, SOCK_CLOEXEC);
        int pidfd = peercred_pidfd(conn);
        peercred_namespaces ns;
        if (pidfd == -ENOPROTOOPT) {
            SKIP("container-like client: no SO_PEERPIDFD");
        } else {
            CHECK(peercred_process_namespaces(pidfd, &ns) == 0, "namespaces");
            CHECK(ns.shared == (ALL_NAMESPACES & ~CONTAINER_NAMESPACES), "shared %#x", ns.shared);
            close(pidfd);
        }
        close(conn);
    }
    close(hold[1]);
    waitpid(pid, NULL, 0);
    listener_close(&l);
}

/* Pure: what the names of a cgroup path say. */
void test_cgroup_fields(void) {
    static const char *const DOCKER =
        "/system.slice/docker-4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5.scope";
    static const struct {
        const char *path;
        int field;
        const char *want; /* NULL: the path says no such thing */
    } ROWS[] = {
        {"/system.slice/foo.service", PEERCRED_CGROUP_UNIT, "foo.service"},
        {"/system.slice/foo.service", PEERCRED_CGROUP_SLICE, "system.slice"},
        {"/system.slice/foo.service", PEERCRED_CGROUP_SESSION, NULL},
        {"/user.slice/user-1000.slice/session-3.scope", PEERCRED_CGROUP_SESSION, "3"},
        {"/user.slice/user-1000.slice/user@1000.service/app.slice/app.service", PEERCRED_CGROUP_USER_UNIT,
         "app.service"},
        {"/user.slice/user-1000.slice/user@1000.service/app.slice/app.service", PEERCRED_CGROUP_USER_SLICE,
         "app.slice"},
        {DOCKER, PEERCRED_CGROUP_CONTAINER_RUNTIME, "docker"},
        {DOCKER, PEERCRED_CGROUP_CONTAINER_ID, DOCKER + 21},
        {DOCKER, PEERCRED_CGROUP_POD_UID, NULL},
        {"/", PEERCRED_CGROUP_UNIT, NULL},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        char text[128];
        size_t len = sizeof text;
        int rc = peercred_cgroup_field(ROWS[i].path, ROWS[i].field, text, &len);
        if (ROWS[i].want == NULL) {
            CHECK(rc == 0 && len == 0, "%s field %d: rc %d", ROWS[i].path, ROWS[i].field, rc);
        } else {
            size_t want = strcspn(ROWS[i].want, ".") == 64 ? 64 : strlen(ROWS[i].want);
            CHECK(rc == 1 && len == want + 1 && strncmp(text, ROWS[i].want, want) == 0, "%s field %d: %d %s",
                  ROWS[i].path, ROWS[i].field, rc, rc == 1 ? text : "");
        }
    }
    uint32_t owner = 7;
    CHECK(peercred_cgroup_owner_uid("/user.slice/user-1000.slice/session-3.scope", &owner) == 1 && owner == 1000,
          "owner %u", owner);
    char text[16];
    size_t len = sizeof text;
    CHECK(peercred_cgroup_field("/../x", PEERCRED_CGROUP_UNIT, text, &len) == -EREMOTE, "escape refused");
    CHECK(peercred_cgroup_field("x", PEERCRED_CGROUP_UNIT, text, &len) == -EINVAL, "relative refused");
    CHECK(strstr(peercred_strerror(-EREMOTE), "cgroup namespace") != NULL, "%s", peercred_strerror(-EREMOTE));
}
