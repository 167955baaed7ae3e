/* The C suite's test groups, run in order by main.c. */
#ifndef PEERCRED_TEST_SUITE_H
#define PEERCRED_TEST_SUITE_H

#include <stdio.h>
#include <unistd.h>

void test_cases(void);
void test_version(void);
void test_other_process(void);
void test_other_user(void);
void test_client_sees_listener(void);
void test_pid_namespace(void);
void test_threads(void);
void test_groups(void);
void test_label(void);
void test_pidfd_lifecycle(void);
void test_pid_reuse(void);
void test_inherited_listener(void);
void test_unmapped_ids(void);
int read_fd3(void);
int open_fd_count(void);

#endif
