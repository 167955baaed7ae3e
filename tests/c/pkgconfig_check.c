/* Built with `pkg-config --cflags --libs peercred` against a staged install:
 * proves the .pc file, the header and the library are found and agree. */
#include <errno.h>
#include <peercred.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void) {
    int sv[2];
    peercred_ucred cred;
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", PEERCRED_VERSION_MAJOR, PEERCRED_VERSION_MINOR, PEERCRED_VERSION_PATCH);
    /* Our own socketpair: its credentials name us, not another end. */
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || peercred_read(sv[0], &cred) != -ENOTCONN ||
        strcmp(peercred_version(), want) != 0) {
        fprintf(stderr, "pkg-config build: wrong answer\n");
        return 1;
    }
    printf("pkg-config build: peercred %s ok\n", peercred_version());
    return 0;
}
