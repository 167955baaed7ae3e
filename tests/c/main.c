/* Runs the C suite and prints "c: N passed, M failed". */
#include "check.h"
#include "suite.h"

int checks_passed, checks_failed;

int main(void) {
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
    test_messages_cases();
    test_messages();
    CHECK(open_fd_count() == before, "descriptors open: %d before the suite, %d after", before, open_fd_count());
    printf("c: %d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed != 0;
}
