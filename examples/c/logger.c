/* A syslog-style logger: a datagram socket that stamps every line with the
 * sender's uid, pid and executable, as the kernel attached them to the message
 * (peercred_pass_credentials, peercred_recv), never as the sender claims in
 * the text. Try it: `logger -u SOCKET_PATH hello` or
 * `echo hello | socat - UNIX-SENDTO:SOCKET_PATH`.
 *
 * Each line: "uid=U pid=P exe=E: TEXT", with "?" for what the message did not
 * prove (no credentials, or a sender that already exited), and control bytes
 * of TEXT escaped so that a sender cannot forge a line of its own.
 * Usage: logger SOCKET_PATH (removes the socket file on SIGINT/SIGTERM). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
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

/* Binds a datagram socket at path, passing credentials before anything can
 * arrive; replaces a stale socket file but never a live logger's. */
static int bind_logger(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "logger: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        fprintf(stderr, "logger: another logger is live on %s\n", path);
        return -1;
    }
    if (errno == ECONNREFUSED) unlink(path); /* a stale socket file */
    close(fd);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = peercred_pass_credentials(fd);
    if (rc < 0) {
        fprintf(stderr, "logger: %s\n", peercred_strerror(rc));
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "logger: cannot bind %s: %s\n", path, strerror(errno));
        return -1;
    }
    chmod(path, 0666); /* anyone may log; the stamp says who did */
    return fd;
}

/* Writes text with control bytes and backslashes escaped, without the trailing newline. */
static void print_text(const unsigned char *text, size_t len) {
    while (len > 0 && text[len - 1] == '\n') len--;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < 0x20 || text[i] == 0x7f || text[i] == '\\') printf("\\x%02x", text[i]);
        else putchar(text[i]);
    }
    putchar('\n');
}

static void log_message(const unsigned char *text, size_t len, const peercred_message *m) {
    char exe[PATH_MAX] = "?";
    size_t exe_len = sizeof exe;
    if (m->pidfd >= 0 && peercred_process_exe(m->pidfd, exe, &exe_len) != 0) strcpy(exe, "?");
    if (m->has_cred) {
        printf("uid=%u pid=", m->cred.uid);
        if (m->cred.pid) printf("%d", (int)m->cred.pid);
        else printf("?");
        printf(" exe=%s: ", exe);
    } else {
        printf("uid=? pid=? exe=?: ");
    }
    print_text(text, len);
    if (m->msg_flags & MSG_TRUNC) printf("(the message above was cut to %zu bytes)\n", len);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: recvmsg returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int fd = bind_logger(argv[1]);
    if (fd < 0) return 1;
    unsigned char buf[65536];
    while (!stopping) {
        peercred_message m;
        ssize_t n = peercred_recv(fd, buf, sizeof buf, 0, &m);
        if (n < 0) {
            if (n != -EINTR) fprintf(stderr, "logger: %s\n", peercred_strerror((int)n));
            continue;
        }
        log_message(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf, &m);
        if (m.pidfd >= 0) close(m.pidfd);
    }
    close(fd);
    unlink(argv[1]);
    return 0;
}
