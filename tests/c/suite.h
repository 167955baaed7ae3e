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
void test_messages_cases(void);
void test_messages(void);
void test_exe_matches_and_sha256(void);
void test_own_process_and_sessions(void);
void test_thread_with_its_own_descriptor_table(void);
void test_server_whose_main_thread_exited(void);
void test_peer_whose_main_thread_exited(void);
void test_pid_namespace_under_the_parents_proc(void);
void test_host_client_namespaces(void);
void test_container_like_client(void);
void test_cgroup_fields(void);
int open_fd_count(void);

#endif
