/* The sockets of tests/cases.json's "fixtures", built in this process. */
#ifndef PEERCRED_TEST_FIXTURES_H
#define PEERCRED_TEST_FIXTURES_H

struct fixture {
    int fd;       /* the descriptor to read */
    int owns_fd;  /* 0 when fd is a number that is not open */
    int keep[3];  /* other descriptors it needs open, -1 when unused */
    char dir[64]; /* temporary folder, "" when unused */
};

/* Builds the named fixture; returns 0, or -1 for an unknown name or a failure. */
int fixture_open(const char *name, struct fixture *fx);
void fixture_close(struct fixture *fx);

#endif
