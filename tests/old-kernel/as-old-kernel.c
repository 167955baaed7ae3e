/* Runs a command as on a kernel without SO_PEERPIDFD (Linux 5.3 to 6.4): a
 * seccomp filter, inherited by everything the command starts, answers
 *   getsockopt(SOL_SOCKET, SO_PEERPIDFD)  with ENOPROTOOPT (before 6.5),
 *   setsockopt(SOL_SOCKET, SO_PASSPIDFD)  with ENOPROTOOPT (before 6.5),
 *   ioctl(PIDFD_GET_*) on any fd         with ENOTTY (before 6.11/6.13),
 * exactly as those kernels do, and with --no-pidfd-open also
 *   pidfd_open(2)                         with ENOSYS (before 5.3).
 * The shared library, the Python extension, the Node addon and Rust programs
 * all reach the kernel through these system calls, so each runs its real
 * fallback. It sets PEERCRED_AS_OLD_KERNEL=1 (or no-pidfd-open) for the
 * tests, which then expect the fallback's answers.
 *
 * usage: as-old-kernel [--no-pidfd-open] COMMAND [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "as-old-kernel knows the system call numbers of x86_64 and aarch64 only"
#endif

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* The low half of argument n (little-endian: both architectures here). */
#define ARG(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#define LOAD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
/* Skip the next `skip` instructions unless the accumulator equals `value`;
 * every skip below lands on the next check of the number or on the final ALLOW. */
#define UNLESS(value, skip) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (value), 0, (skip))
#define ANSWER(err) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((err) & SECCOMP_RET_DATA))
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int main(int argc, char **argv) {
    int no_pidfd_open = argc > 1 && strcmp(argv[1], "--no-pidfd-open") == 0;
    char **command = argv + 1 + no_pidfd_open;
    if (!*command) {
        fprintf(stderr, "usage: as-old-kernel [--no-pidfd-open] COMMAND [ARG...]\n");
        return 2;
    }
    struct sock_filter filter[] = {
        LOAD(offsetof(struct seccomp_data, arch)),
        UNLESS(ARCH, 20),
        LOAD(offsetof(struct seccomp_data, nr)),
        /* getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, ...) */
        UNLESS(SYS_getsockopt, 5),
        LOAD(ARG(1)), UNLESS(SOL_SOCKET, 16),
        LOAD(ARG(2)), UNLESS(SO_PEERPIDFD, 14),
        ANSWER(ENOPROTOOPT),
        /* setsockopt(fd, SOL_SOCKET, SO_PASSPIDFD, ...) */
        UNLESS(SYS_setsockopt, 5),
        LOAD(ARG(1)), UNLESS(SOL_SOCKET, 10),
        LOAD(ARG(2)), UNLESS(SO_PASSPIDFD, 8),
        ANSWER(ENOPROTOOPT),
        /* ioctl(fd, PIDFD_GET_*): the pidfd ioctls are all of type 0xFF. */
        UNLESS(SYS_ioctl, 4),
        LOAD(ARG(1)), BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff00),
        UNLESS(0xff00, 3),
        ANSWER(ENOTTY),
        /* pidfd_open, when asked */
        UNLESS(SYS_pidfd_open, 1),
        BPF_STMT(BPF_RET | BPF_K, no_pidfd_open ? SECCOMP_RET_ERRNO | ENOSYS : SECCOMP_RET_ALLOW),
        ALLOW,
    };
    struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
        perror("as-old-kernel: seccomp");
        return 2;
    }
    setenv("PEERCRED_AS_OLD_KERNEL", no_pidfd_open ? "no-pidfd-open" : "1", 1);
    execvp(command[0], command);
    fprintf(stderr, "as-old-kernel: %s: %s\n", command[0], strerror(errno));
    return 127;
}
