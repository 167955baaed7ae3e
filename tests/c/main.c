/* Runs the C suite and prints "c: N passed, M failed". With --read-fd3 it is
 * the exec'd child of test_inherited_listener instead. A watchdog ends a suite
 * that runs past PEERCRED_TEST_TIMEOUT seconds (default 600: valgrind and
 * qemu are slow), naming the group that hung. */
#include <signal.h>
#include <string.h>

#include "check.h"
#include "suite.h"

int checks_passed, checks_failed;

static const char *volatile running = "setup";

static void say(const char *text) {
    ssize_t ignored = write(2, text, strlen(text));
    (void)ignored;
}

static void watchdog(int sig) {
    (void)sig;
    say("c: the suite timed out in ");
    say(running);
    say("\n");
    _exit(124);
}

#define RUN(group) (running = #group, group())

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--read-fd3") == 0) return read_fd3();
    const char *limit = getenv("PEERCRED_TEST_TIMEOUT");
    signal(SIGALRM, watchdog);
    alarm(limit ? (unsigned)atoi(limit) : 600);
    int before = open_fd_count();
    RUN(test_cases);
    RUN(test_version);
    RUN(test_other_process);
    RUN(test_other_user);
    RUN(test_client_sees_listener);
    RUN(test_pid_namespace);
    RUN(test_threads);
    RUN(test_groups);
    RUN(test_label);
    RUN(test_pidfd_lifecycle);
    RUN(test_pid_reuse);
    RUN(test_inherited_listener);
    RUN(test_unmapped_ids);
    RUN(test_messages_cases);
    RUN(test_messages);
    RUN(test_exe_matches_and_sha256);
    RUN(test_own_process_and_sessions);
    RUN(test_thread_with_its_own_descriptor_table);
    RUN(test_server_whose_main_thread_exited);
    RUN(test_peer_whose_main_thread_exited);
    RUN(test_pid_namespace_under_the_parents_proc);
    RUN(test_process_table);
    RUN(test_host_client_namespaces);
    RUN(test_container_like_client);
    RUN(test_cgroup_fields);
    CHECK(open_fd_count() == before, "descriptors open: %d before the suite, %d after", before, open_fd_count());
    printf("c: %d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed != 0;
}
