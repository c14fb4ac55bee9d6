/*
 * Facts about the machine a result set was measured on (pg_rs_machine).
 * They let a reader see that two result sets came from different hardware,
 * which explains differences no statistic can.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pg_resultset.h"

/* CI systems perfgate knows by the variables they set, most specific first. */
static const char *detect_ci(void)
{
    static const struct {
        const char *var, *name;
    } known[] = {
        {"GITHUB_ACTIONS", "github-actions"},
        {"GITLAB_CI", "gitlab-ci"},
        {"BUILDKITE", "buildkite"},
        {"CIRCLECI", "circleci"},
        {"JENKINS_URL", "jenkins"},
        {"TF_BUILD", "azure-pipelines"},
        {"CI", "ci"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *v = getenv(known[i].var);
        if (v && *v && strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
            return known[i].name;
    }
    return "";
}

static void cpu_model(char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        /* x86 says "model name"; some arm64 kernels say "Hardware". */
        if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Hardware", 8) == 0) {
            char *v = strchr(line, ':');
            if (!v)
                continue;
            v += 1 + strspn(v + 1, " \t");
            v[strcspn(v, "\n")] = '\0';
            snprintf(out, size, "%s", v);
            break;
        }
    }
    fclose(f);
}

/* The host name is not stored: result sets get pushed to shared (maybe
 * public) repositories. A 64-bit FNV-1a hash still tells machines apart. */
static void host_id(char *out, size_t size)
{
    const char *runner = getenv("RUNNER_NAME");
    if (runner && *runner) {
        snprintf(out, size, "%s", runner);
        return;
    }
    char name[256] = "";
    gethostname(name, sizeof name - 1);
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    snprintf(out, size, "host-%016llx", (unsigned long long)h);
}

void pg_rs_machine_detect(pg_rs_machine *out)
{
    static char cpu[256], kernel[256], host[256];
    static int done;
    if (!done) {
        cpu_model(cpu, sizeof cpu);
        struct utsname u;
        if (uname(&u) == 0) {
            snprintf(kernel, sizeof kernel, "%s %s", u.sysname, u.release);
            if (!cpu[0]) /* arm64 kernels often name no model: the architecture at least */
                snprintf(cpu, sizeof cpu, "%s", u.machine);
        }
        host_id(host, sizeof host);
        done = 1;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    out->cpu = cpu;
    out->cores = n > 0 ? n : 0;
    out->kernel = kernel;
    out->host = host;
    out->ci = detect_ci();
}
