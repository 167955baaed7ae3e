/* Peers in other processes: a listener on a path, and forked clients that
 * connect to it (optionally as another user) and stay until released. */
#ifndef PEERCRED_TEST_PEER_H
#define PEERCRED_TEST_PEER_H

#include <stddef.h>
#include <sys/types.h>

struct listener {
    int fd;
    char dir[64];
    char path[96];
};

struct peer {
    pid_t pid;
    int conn; /* our accepted end */
    int hold; /* closing it lets the client exit */
};

#define SAME_IDS ((uid_t)-1)

/* Seconds any one wait of the suite may take (a receive, an accept). */
#define WAIT_SECONDS 30
/* Bounds blocking receives and accept() on fd (SO_RCVTIMEO): a peer that never
 * sends or connects fails a check instead of hanging the suite. */
int bound_waits(int fd);
int listener_open(struct listener *l, int type);
void listener_close(struct listener *l);
int connect_path(const char *path, int type);
/* Forks a client that drops to uid/gid with the given supplementary groups
 * (SAME_IDS: keep ours), connects, and waits for peer_release(). */
int peer_start(struct peer *p, const struct listener *l, int type, uid_t uid, gid_t gid, const gid_t *groups,
               size_t ngroups);
void peer_release(struct peer *p);
/* Blocks until the released client has exited (it stays a zombie until reaped). */
void peer_wait_exit(const struct peer *p);
int peer_reap(struct peer *p);
int open_fd_count(void);

#endif
