/* Connects to the demo server and prints who it is next to the server's reply,
 * as one JSON line (the demo protocol of CONTRIBUTING.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "client: socket path too long\n");
        return 2;
    }
    strcpy(addr.sun_path, argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "client: cannot connect to %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    char reply[512];
    size_t used = 0;
    ssize_t n;
    while (used < sizeof reply - 1 && (n = read(fd, reply + used, sizeof reply - 1 - used)) > 0) used += (size_t)n;
    close(fd);
    reply[used] = '\0';
    reply[strcspn(reply, "\n")] = '\0';
    if (used == 0) {
        fprintf(stderr, "client: no reply\n");
        return 1;
    }
    printf("{\"pid\": %d, \"uid\": %u, \"gid\": %u, \"reply\": \"", (int)getpid(), (unsigned)geteuid(),
           (unsigned)getegid());
    for (const char *c = reply; *c; c++) {
        if (*c == '"' || *c == '\\') putchar('\\');
        if ((unsigned char)*c >= 0x20) putchar(*c);
    }
    printf("\"}\n");
    return 0;
}
