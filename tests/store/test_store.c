/*
 * Tests of the result store on real repositories: the notes backend (what
 * `git notes` shows is exactly what was stored), the directory backend,
 * refusing dirty result sets, errors that name the damaged line and how to
 * fix it, --store arguments, and merging shards read back from a store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "git_fixture.h"
#include "pg_alloc.h"
#include "pg_store.h"

typedef struct fixture {
    char *top, *repo;
    char *c[2];
    pg_git *git;
} fixture;

static int setup(void **state)
{
    fixture *f = pg_xcalloc(1, sizeof *f);
    f->top = fx_mkdtemp();
    f->repo = pg_xasprintf("%s/repo", f->top);
    fx_repo(f->repo, 2, f->c);
    f->git = fx_open(f->repo);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pg_git_free(f->git);
    fx_rm_rf(f->top);
    free(f->c[0]);
    free(f->c[1]);
    free(f->top);
    free(f->repo);
    free(f);
    return 0;
}

/* A result set of `sha` whose one sample is `value` ns/op. */
static pg_resultset *make(const char *sha, double value, int dirty, int shard)
{
    static const int64_t cpu[] = {4};
    const char *refs[] = {"refs/heads/main"};
    pg_rs_meta m = {
        .commit = sha,
        .dirty = dirty,
        .refs = refs,
        .nrefs = 1,
        .created = 1700000000,
        .perfgate_version = "0.1.0",
        .config_hash = "h",
        .toolchain = {"go1.26.0", "linux", "amd64"},
        .machine = {"cpu", 2, "Linux", "host", ""},
        .params = {1, "1s", ".", cpu, 1},
        .shard_index = shard,
        .shard_count = shard ? 2 : 0,
    };
    pg_error err;
    pg_resultset *rs = pg_resultset_create(&m, &err);
    assert_non_null(rs);
    char name[32];
    snprintf(name, sizeof name, "Shard%d-4", shard);
    size_t b = pg_resultset_add_bench(rs, "example.com/m", name, NULL, 0);
    pg_rs_value v[] = {{"ns/op", value}};
    pg_rs_sample s = {1000, 0, PG_RS_SIDE_NONE, NULL, v, 1};
    assert_int_equal(pg_resultset_add_sample(rs, b, &s, &err), 0);
    return rs;
}

static char *json_line(const pg_resultset *rs)
{
    pg_buf b = {0};
    pg_resultset_to_json(rs, &b);
    return pg_buf_detach(&b);
}

static void append(pg_store *s, const pg_resultset *rs, int want_added)
{
    pg_error err = {{0}};
    int added = -1;
    if (pg_store_append(s, rs, &added, &err) < 0)
        fail_msg("append: %s", err.msg);
    assert_int_equal(added, want_added);
}

/* Loads `sha` and checks the result sets are `want` (JSON lines), in order. */
static void check_load(pg_store *s, const char *sha, char **want, size_t n)
{
    pg_rs_list list = {0};
    pg_error err = {{0}};
    if (pg_store_load(s, sha, &list, &err) < 0)
        fail_msg("load: %s", err.msg);
    assert_int_equal(list.n, n);
    for (size_t i = 0; i < n; i++) {
        char *got = json_line(list.sets[i]);
        assert_string_equal(got, want[i]);
        free(got);
    }
    pg_rs_list_free(&list);
}

typedef struct seen {
    int n;
    char sha[4][PG_GIT_HEX_SIZE];
} seen;

static int collect(const char *sha, void *arg)
{
    seen *s = arg;
    assert_true(s->n < 4);
    snprintf(s->sha[s->n++], PG_GIT_HEX_SIZE, "%s", sha);
    return 0;
}

static void check_commits(pg_store *s, const fixture *f)
{
    seen got = {0};
    pg_error err = {{0}};
    assert_int_equal(pg_store_commits(s, collect, &got, &err), 0);
    assert_int_equal(got.n, 2);
    int order = strcmp(f->c[0], f->c[1]) < 0;
    assert_string_equal(got.sha[0], f->c[order ? 0 : 1]);
    assert_string_equal(got.sha[1], f->c[order ? 1 : 0]);
}

/* Three result sets on two commits, read back equal; once more changes nothing. */
static void round_trip(pg_store *s, const fixture *f, char *lines[3])
{
    pg_resultset *rs[3] = {make(f->c[0], 1.5, 0, 0), make(f->c[0], 2.5, 0, 0),
                           make(f->c[1], 3.5, 0, 0)};
    for (int i = 0; i < 3; i++) {
        lines[i] = json_line(rs[i]);
        append(s, rs[i], 1);
    }
    append(s, rs[1], 0);
    check_load(s, f->c[0], lines, 2);
    check_load(s, f->c[1], lines + 2, 1);
    check_commits(s, f);
    for (int i = 0; i < 3; i++)
        pg_resultset_free(rs[i]);
}

static void test_notes_round_trip(void **state)
{
    fixture *f = *state;
    pg_error err = {{0}};
    pg_store *s = pg_store_open(f->git, NULL, &err);
    assert_non_null(s);
    char *describe = pg_xasprintf("git notes refs/notes/perfgate in %s/", f->repo);
    assert_string_equal(pg_store_describe(s), describe);
    char *lines[3];
    round_trip(s, f, lines);
    /* git sees exactly the stored lines. */
    char *shown = fx_out("git -C %s notes --ref=perfgate show %s", f->repo, f->c[0]);
    char *want = pg_xasprintf("%s%s", lines[0], lines[1]);
    want[strlen(want) - 1] = '\0';
    assert_string_equal(shown, want);
    /* A commit without results loads nothing. */
    fx_run("cd %s && git commit -q --allow-empty -m c2", f->repo);
    char *c2 = fx_out("git -C %s rev-parse HEAD", f->repo);
    check_load(s, c2, NULL, 0);
    pg_rs_list list = {0};
    assert_int_equal(pg_store_load(s, "HEAD", &list, &err), -1);
    assert_string_equal(err.msg, "'HEAD' is not a commit SHA (40 lowercase hex digits)");
    for (int i = 0; i < 3; i++)
        free(lines[i]);
    free(c2);
    free(want);
    free(shown);
    free(describe);
    pg_store_free(s);
}

static void test_dir_round_trip(void **state)
{
    fixture *f = *state;
    pg_error err = {{0}};
    char *dir = pg_xasprintf("%s/results/nested", f->top);
    char *spec = pg_xasprintf("dir:%s", dir);
    pg_store *s = pg_store_open(NULL, spec, &err);
    assert_non_null(s);
    seen none = {0};
    assert_int_equal(pg_store_commits(s, collect, &none, &err), 0); /* no directory yet */
    assert_int_equal(none.n, 0);
    char *lines[3];
    round_trip(s, f, lines);
    char *path = pg_xasprintf("%s/%s.jsonl", dir, f->c[0]);
    char *text = fx_read(path);
    char *want = pg_xasprintf("%s%s", lines[0], lines[1]);
    assert_string_equal(text, want);
    /* Files that are not results are not listed. */
    fx_run("printf x > %s/notes.txt && printf x > %s/%.39s.jsonl", dir, dir, f->c[0]);
    check_commits(s, f);

    /* A run that died mid-line: the next append starts a line of its own,
     * and reading names the damaged line and the fix. */
    fx_run("printf '{\"schema\":1,\"com' >> %s", path);
    pg_resultset *rs = make(f->c[0], 9.5, 0, 0);
    append(s, rs, 1);
    char *last = json_line(rs);
    free(text);
    text = fx_read(path);
    assert_non_null(strstr(text, "{\"schema\":1,\"com\n"));
    assert_string_equal(text + strlen(text) - strlen(last), last);
    pg_rs_list list = {0};
    assert_int_equal(pg_store_load(s, f->c[0], &list, &err), -1);
    char *msg =
        pg_xasprintf("cannot read the result store (directory %s): %s:3: not valid JSON "
                     "near byte offset 16: premature end of input near '\"com'; fix or delete "
                     "that line of the file",
                     dir, path);
    assert_string_equal(err.msg, msg);
    assert_int_equal(list.n, 0);

    assert_int_equal(pg_store_push(s, "origin", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "only the git notes store is shared through a remote"));
    pg_resultset_free(rs);
    for (int i = 0; i < 3; i++)
        free(lines[i]);
    free(msg);
    free(last);
    free(want);
    free(text);
    free(path);
    free(spec);
    free(dir);
    pg_store_free(s);
}

static void test_dirty_refused(void **state)
{
    fixture *f = *state;
    pg_error err = {{0}};
    pg_store *s = pg_store_open(f->git, "notes:dirty", &err);
    assert_non_null(s);
    pg_resultset *rs = make(f->c[0], 1, 1, 0);
    assert_int_equal(pg_store_append(s, rs, NULL, &err), -1);
    char *want = pg_xasprintf("not storing the results of commit %.12s in git notes "
                              "refs/notes/dirty in %s/: they were measured on a work tree with "
                              "uncommitted changes, so they are no baseline of that commit; "
                              "commit (or stash) the changes and run again",
                              f->c[0], f->repo);
    assert_string_equal(err.msg, want);
    /* Nothing was written anywhere. */
    assert_int_equal(fx_sh("git -C %s rev-parse -q --verify refs/notes/dirty >/dev/null", f->repo),
                     1);
    check_load(s, f->c[0], NULL, 0);
    free(want);
    pg_resultset_free(rs);
    pg_store_free(s);
}

static void test_bad_note_line(void **state)
{
    fixture *f = *state;
    pg_error err = {{0}};
    pg_store *s = pg_store_open(f->git, "notes:refs/notes/bad", &err);
    assert_non_null(s);
    pg_resultset *rs = make(f->c[1], 1, 0, 0);
    append(s, rs, 1);
    /* Someone appends a line perfgate did not write (after a blank line,
     * as git notes append does). */
    fx_run("git -C %s notes --ref=refs/notes/bad append -m '{\"schema\":9}' %s", f->repo, f->c[1]);
    pg_rs_list list = {0};
    assert_int_equal(pg_store_load(s, f->c[1], &list, &err), -1);
    char *want = pg_xasprintf(
        "cannot read the result store (git notes refs/notes/bad in %s/): note of commit %.12s in "
        "refs/notes/bad, line 3: written by a newer perfgate (result set schema 9; this perfgate "
        "reads schema 1): upgrade perfgate to read it; fix or delete that line: git notes "
        "--ref=refs/notes/bad edit %s (where the notes are shared, then push them with --force, "
        "or merging brings the line back)",
        f->repo, f->c[1], f->c[1]);
    assert_string_equal(err.msg, want);
    assert_int_equal(list.n, 0);
    free(want);
    pg_resultset_free(rs);
    pg_store_free(s);
}

static void test_specs(void **state)
{
    fixture *f = *state;
    pg_error err = {{0}};
    struct {
        const char *spec, *describe;
    } ok[] = {
        {"notes", "git notes refs/notes/perfgate in %s/"},
        {"", "git notes refs/notes/perfgate in %s/"},
        {"notes:bench", "git notes refs/notes/bench in %s/"},
        {"notes:refs/notes/x/y", "git notes refs/notes/x/y in %s/"},
        {"dir", "directory %s/.perfgate/results"},
        {"dir:/srv/results", "directory /srv/results"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        pg_store *s = pg_store_open(f->git, ok[i].spec, &err);
        if (!s)
            fail_msg("%s: %s", ok[i].spec, err.msg);
        char *want = pg_xasprintf(ok[i].describe, f->repo);
        assert_string_equal(pg_store_describe(s), want);
        free(want);
        pg_store_free(s);
    }
    assert_null(pg_store_open(f->git, "s3://bucket", &err));
    assert_string_equal(err.msg,
                        "unknown store 's3://bucket': use notes, notes:REF, dir or dir:PATH");
    assert_null(pg_store_open(NULL, "notes", &err));
    assert_string_equal(err.msg, "the notes store needs a git repository");
    assert_null(pg_store_open(NULL, "dir", &err));
    assert_non_null(strstr(err.msg, "--store dir:PATH"));
    /* A ref name git refuses is reported when the store is used. */
    pg_store *s = pg_store_open(f->git, "notes:bad..name", &err);
    assert_non_null(s);
    pg_resultset *rs = make(f->c[0], 1, 0, 0);
    assert_int_equal(pg_store_append(s, rs, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "'refs/notes/bad..name' is not a valid notes ref"));
    pg_resultset_free(rs);
    pg_store_free(s);
}

/* Shards stored separately come back as separate result sets that merge. */
static void test_shards(void **state)
{
    fixture *f = *state;
    pg_error err = {{0}};
    pg_store *s = pg_store_open(f->git, "notes:shards", &err);
    pg_resultset *a = make(f->c[0], 10, 0, 1), *b = make(f->c[0], 20, 0, 2);
    append(s, a, 1);
    append(s, b, 1);
    pg_rs_list list = {0};
    assert_int_equal(pg_store_load(s, f->c[0], &list, &err), 0);
    assert_int_equal(list.n, 2);
    assert_int_equal(pg_resultset_merge(list.sets[0], list.sets[1], &err), 0);
    const pg_resultset *all = list.sets[0];
    assert_int_equal(pg_resultset_nbench(all), 2);
    assert_string_equal(pg_resultset_bench(all, 0)->name, "Shard1-4");
    assert_string_equal(pg_resultset_bench(all, 1)->name, "Shard2-4");
    assert_true(pg_resultset_bench(all, 1)->samples[0].values[0].value == 20);
    pg_rs_list_free(&list);
    pg_resultset_free(a);
    pg_resultset_free(b);
    pg_store_free(s);
}

int main(void)
{
    fx_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notes_round_trip),
        cmocka_unit_test(test_dir_round_trip),
        cmocka_unit_test(test_dirty_refused),
        cmocka_unit_test(test_bad_note_line),
        cmocka_unit_test(test_specs),
        cmocka_unit_test(test_shards),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
