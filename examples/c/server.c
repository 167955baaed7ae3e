/* A Unix-socket daemon that admits only its own user and root, deciding with
 * peercred_read() on each accepted connection (the demo protocol of
 * CONTRIBUTING.md): it answers "allow ..." or "deny ... reason=...", logs each
 * caller and refusal to stderr, and removes its socket on SIGINT/SIGTERM. */
#define _GNU_SOURCE
#include <errno.h>
#include <peercred.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_signal(int sig) { (void)sig; stopping = 1; }

/* Binds and listens on path, replacing a stale socket file but never a live one. */
static int listen_on(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "server: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 && connect(probe, (struct sockaddr *)&addr, sizeof addr) == 0) {
        fprintf(stderr, "server: another server is live on %s\n", path);
        close(probe);
        return -1;
    }
    if (probe >= 0) close(probe);
    if (errno == ECONNREFUSED) unlink(path); /* a stale socket file */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
        fprintf(stderr, "server: cannot listen on %s: %s\n", path, strerror(errno));
        return -1;
    }
    chmod(path, 0666); /* admission is peercred's decision, not the file mode's */
    return fd;
}

/* Writes the protocol's answer for one connection. */
static void answer(int conn) {
    peercred_ucred cred;
    char line[256];
    int rc = peercred_read(conn, &cred);
    if (rc < 0) {
        snprintf(line, sizeof line, "deny reason=%s\n", peercred_strerror(rc));
    } else if (cred.uid == geteuid() || cred.uid == 0) {
        snprintf(line, sizeof line, "allow pid=%d uid=%u gid=%u\n", (int)cred.pid, cred.uid, cred.gid);
    } else {
        snprintf(line, sizeof line, "deny pid=%d uid=%u gid=%u reason=uid %u is neither %u nor root\n",
                 (int)cred.pid, cred.uid, cred.gid, cred.uid, (unsigned)geteuid());
    }
    fprintf(stderr, "server: %s", line);
    if (write(conn, line, strlen(line)) < 0) fprintf(stderr, "server: write: %s\n", strerror(errno));
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: accept() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int fd = listen_on(argv[1]);
    if (fd < 0) return 1;
    while (!stopping) {
        int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0) {
            if (errno != EINTR) fprintf(stderr, "server: accept: %s\n", strerror(errno));
            continue;
        }
        answer(conn);
        close(conn);
    }
    close(fd);
    unlink(argv[1]);
    return 0;
}
