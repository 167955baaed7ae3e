/* Runs the C suite and prints "c: N passed, M failed". With --read-fd3 it is
 * the exec'd child of test_inherited_listener instead. */
#include <string.h>

#include "check.h"
#include "suite.h"

int checks_passed, checks_failed;

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--read-fd3") == 0) return read_fd3();
    int before = open_fd_count();
    test_cases();
    test_version();
    test_other_process();
    test_other_user();
    test_client_sees_listener();
    test_pid_namespace();
    test_threads();
    test_groups();
    test_label();
    test_pidfd_lifecycle();
    test_pid_reuse();
    test_inherited_listener();
    test_unmapped_ids();
    test_messages_cases();
    test_messages();
    test_exe_matches_and_sha256();
    test_own_process_and_sessions();
    test_thread_with_its_own_descriptor_table();
    test_server_whose_main_thread_exited();
    test_peer_whose_main_thread_exited();
    test_pid_namespace_under_the_parents_proc();
    CHECK(open_fd_count() == before, "descriptors open: %d before the suite, %d after", before, open_fd_count());
    printf("c: %d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed != 0;
}
