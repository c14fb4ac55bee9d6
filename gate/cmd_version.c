/*
 * `perfgate version`: perfgate's version and the versions of the libraries it
 * was linked against (what a bug report needs).
 */
#include <stdio.h>

#include <curl/curl.h>
#include <git2.h>
#include <jansson.h>
#include <yaml.h>

#include "cmd.h"

int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: perfgate version\n");
        return PG_EXIT_USAGE;
    }
    int major, minor, rev;
    git_libgit2_version(&major, &minor, &rev);
    printf("perfgate %s\n", PG_VERSION);
    printf("libgit2 %d.%d.%d, %s, jansson %s, libyaml %s\n", major, minor, rev, curl_version(),
           JANSSON_VERSION, yaml_get_version_string());
    return PG_EXIT_OK;
}
