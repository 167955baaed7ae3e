/* The sockets of tests/cases.json's "fixtures": built in this process, or
 * (the *-other-process ones) by a forked helper that hands one over. */
#ifndef PEERCRED_TEST_FIXTURES_H
#define PEERCRED_TEST_FIXTURES_H

#include <sys/types.h>

struct fixture {
    int fd;       /* the descriptor to read */
    int owns_fd;  /* 0 when fd is a number that is not open */
    int keep[3];  /* other descriptors it needs open, -1 when unused */
    char dir[64]; /* temporary folder, "" when unused */
    pid_t peer;   /* the helper that made a *-other-process fixture, or 0 */
};

/* Builds the named fixture; returns 0, or -1 for an unknown name or a failure. */
int fixture_open(const char *name, struct fixture *fx);
void fixture_close(struct fixture *fx);

#endif
