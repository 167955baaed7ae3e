/* Every row of tests/cases.json through peercred_read, with its exact code,
 * *out untouched on failure, and no placeholder credentials ever. */
#include <errno.h>
#include <peercred.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cases.h"
#include "check.h"
#include "fixtures.h"
#include "suite.h"

void test_cases(void) {
    for (size_t i = 0; i < sizeof SEMANTICS / sizeof SEMANTICS[0]; i++) {
        const struct semantics_case *c = &SEMANTICS[i];
        struct fixture fx;
        if (fixture_open(c->socket, &fx) < 0) {
            CHECK(0, "cannot build fixture %s", c->socket);
            continue;
        }
        peercred_ucred cred = {-7, 7, 7};
        int rc = peercred_read(fx.fd, &cred);
        CHECK(rc == c->expect, "%s: got %d (%s), want %d", c->socket, rc, peercred_strerror(rc), c->expect);
        if (c->expect == 0) {
            CHECK(fx.peer > 0 && cred.pid == fx.peer && cred.uid == geteuid() && cred.gid == getegid(),
                  "%s: got pid %d uid %u gid %u, helper %d", c->socket, (int)cred.pid, cred.uid, cred.gid,
                  (int)fx.peer);
        } else {
            CHECK(cred.pid == -7 && cred.uid == 7 && cred.gid == 7, "%s: *out written on failure", c->socket);
        }
        CHECK(cred.uid != 4294967295u, "%s: the kernel's placeholder escaped", c->socket);
        fixture_close(&fx);
    }
    /* arguments.c in tests/cases.json */
    struct fixture fx;
    fixture_open("unix-stream-accepted-other-process", &fx);
    CHECK(peercred_read(fx.fd, NULL) == -EINVAL, "NULL out");
    fixture_close(&fx);
}

/* The "messages" rows: peercred_pass_credentials, then a non-blocking
 * peercred_recv with nothing queued, each with its exact code. */
void test_messages_cases(void) {
    for (size_t i = 0; i < sizeof MESSAGES / sizeof MESSAGES[0]; i++) {
        const struct messages_case *c = &MESSAGES[i];
        struct fixture fx;
        if (fixture_open(c->socket, &fx) < 0) {
            CHECK(0, "cannot build fixture %s", c->socket);
            continue;
        }
        int rc = peercred_pass_credentials(fx.fd);
        CHECK(rc == c->pass_credentials, "%s: pass_credentials %d, want %d", c->socket, rc, c->pass_credentials);
        char buf[16];
        peercred_message m;
        memset(&m, 0xa5, sizeof m);
        ssize_t n = peercred_recv(fx.fd, buf, sizeof buf, MSG_DONTWAIT, &m);
        CHECK(n == c->recv, "%s: recv %zd (%s), want %d", c->socket, n, peercred_strerror((int)n), c->recv);
        CHECK(m.has_cred == (int)0xa5a5a5a5, "%s: *out written on failure", c->socket);
        fixture_close(&fx);
    }
}

void test_version(void) {
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", PEERCRED_VERSION_MAJOR, PEERCRED_VERSION_MINOR, PEERCRED_VERSION_PATCH);
    CHECK(strcmp(peercred_version(), want) == 0, "peercred_version() %s, header %s", peercred_version(), want);
    CHECK(PEERCRED_ERR_PANIC == -ENOTRECOVERABLE, "PEERCRED_ERR_PANIC %d", PEERCRED_ERR_PANIC);
    CHECK(strstr(peercred_strerror(-ENOTCONN), "listening") != NULL, "strerror(-ENOTCONN)");
    CHECK(peercred_strerror(12345) != NULL, "strerror of an unknown code");
    /* Every code the library documents has peercred's own words. */
    static const int codes[] = {-EBADF,  -ENOTSOCK, -EAFNOSUPPORT, -ENOTCONN, -ENOPROTOOPT, -ESRCH, -EREMOTE,
                                -ENXIO,  -EINVAL,   -ERANGE,       -EPROTO,   -EACCES,      -EPERM,  -ENOENT,
                                -EILSEQ, -EMFILE,   -ENFILE,       -ENOMEM,   -EIO,         PEERCRED_ERR_PANIC};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *text = peercred_strerror(codes[i]);
        CHECK(text && !strstr(text, "unknown") && !strstr(text, "os error"), "strerror(%d): %s", codes[i], text);
    }
}
