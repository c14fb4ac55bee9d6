/*
 * One of the concurrent pushers of test_store_push: stores one result set
 * for a commit in a clone's notes store, reports that it is ready, waits
 * for the start signal, and pushes the notes to the shared remote.
 *
 * usage: store_pusher CLONE REMOTE SHA ID READY_FD GO_FD
 * Prints "attempts=N pushed=P" on success; exit status 1 and the error on
 * stderr otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pg_store.h"

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: store_pusher CLONE REMOTE SHA ID READY_FD GO_FD\n");
        return 2;
    }
    const char *clone = argv[1], *remote = argv[2], *sha = argv[3];
    long id = atol(argv[4]);
    int ready = atoi(argv[5]), go = atoi(argv[6]);
    pg_error err;
    pg_git *git = pg_git_open(clone, &err);
    pg_store *store = git ? pg_store_open(git, NULL, &err) : NULL;
    if (!store) {
        fprintf(stderr, "store_pusher %ld: %s\n", id, err.msg);
        return 1;
    }
    static const int64_t cpu[] = {1};
    const char *refs[] = {"refs/heads/main"};
    pg_rs_meta m = {.commit = sha,
                    .refs = refs,
                    .nrefs = 1,
                    .created = 1700000000 + id,
                    .perfgate_version = "test",
                    .config_hash = "race",
                    .toolchain = {"go1.26.0", "linux", "amd64"},
                    .params = {1, "1x", ".", cpu, 1}};
    pg_rs_machine_detect(&m.machine);
    pg_resultset *rs = pg_resultset_create(&m, &err);
    size_t b = pg_resultset_add_bench(rs, "example.com/race", "Race", NULL, 0);
    pg_rs_value v[] = {{"ns/op", (double)id}};
    pg_rs_sample s = {id, 0, PG_RS_SIDE_NONE, NULL, v, 1};
    pg_git_sync_result res = {0};
    int rc =
        pg_resultset_add_sample(rs, b, &s, &err) < 0 || pg_store_append(store, rs, NULL, &err) < 0
            ? -1
            : 0;
    /* Ready, then wait until every pusher is: they all push at once. */
    char c = 'r';
    if (write(ready, &c, 1) != 1)
        rc = -1;
    while (read(go, &c, 1) > 0)
        ;
    if (rc == 0)
        rc = pg_store_push(store, remote, NULL, &res, &err);
    if (rc < 0)
        fprintf(stderr, "store_pusher %ld: %s\n", id, err.msg);
    else
        printf("attempts=%d pushed=%d\n", res.attempts, res.pushed);
    pg_resultset_free(rs);
    pg_store_free(store);
    pg_git_free(git);
    return rc < 0 ? 1 : 0;
}
