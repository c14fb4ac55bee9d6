/*
 * The event table of the trace format (Go's tracev2.Specs()) and Go's tick to
 * nanosecond conversion, the two facts every other part of the reader needs.
 */
#include "trace_internal.h"

#define NOSTK                                                                                      \
    {                                                                                              \
        -1, -1                                                                                     \
    }
#define NOSTR                                                                                      \
    {                                                                                              \
        -1, -1                                                                                     \
    }

/* clang-format off */
const trace_spec trace_specs[TRACE_NUM_SPECS] = {
    [EV_EVENT_BATCH]           = {"EventBatch", 4, 0, 0, NOSTK, NOSTR, 0},
    [EV_STACKS]                = {"Stacks", 0, 0, 0, NOSTK, NOSTR, 0},
    [EV_STACK]                 = {"Stack", 2, 0, 0, NOSTK, NOSTR, 0},
    [EV_STRINGS]               = {"Strings", 0, 0, 0, NOSTK, NOSTR, 0},
    [EV_STRING]                = {"String", 1, 0, 0, NOSTK, NOSTR, 0},
    [EV_CPU_SAMPLES]           = {"CPUSamples", 0, 0, 0, NOSTK, NOSTR, 0},
    [EV_CPU_SAMPLE]            = {"CPUSample", 5, 0, 0, NOSTK, NOSTR, 0},
    [EV_FREQUENCY]             = {"Frequency", 1, 0, 0, NOSTK, NOSTR, 0},
    [EV_PROCS_CHANGE]          = {"ProcsChange", 3, 1, 0, {1, -1}, NOSTR, 0},
    [EV_PROC_START]            = {"ProcStart", 3, 1, 0, NOSTK, NOSTR, 0},
    [EV_PROC_STOP]             = {"ProcStop", 1, 1, 0, NOSTK, NOSTR, 0},
    [EV_PROC_STEAL]            = {"ProcSteal", 4, 1, 0, NOSTK, NOSTR, 0},
    [EV_PROC_STATUS]           = {"ProcStatus", 3, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_CREATE]             = {"GoCreate", 4, 1, 0, {2, 1}, NOSTR, 0},
    [EV_GO_CREATE_SYSCALL]     = {"GoCreateSyscall", 2, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_START]              = {"GoStart", 3, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_DESTROY]            = {"GoDestroy", 1, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_DESTROY_SYSCALL]    = {"GoDestroySyscall", 1, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_STOP]               = {"GoStop", 3, 1, 0, {1, -1}, {0, -1}, 0},
    [EV_GO_BLOCK]              = {"GoBlock", 3, 1, 0, {1, -1}, {0, -1}, 0},
    [EV_GO_UNBLOCK]            = {"GoUnblock", 4, 1, 0, {2, -1}, NOSTR, 0},
    [EV_GO_SYSCALL_BEGIN]      = {"GoSyscallBegin", 3, 1, 0, {1, -1}, NOSTR, 0},
    [EV_GO_SYSCALL_END]        = {"GoSyscallEnd", 1, 1, EV_GO_SYSCALL_BEGIN, NOSTK, NOSTR, 0},
    [EV_GO_SYSCALL_END_BLOCKED] = {"GoSyscallEndBlocked", 1, 1, EV_GO_SYSCALL_BEGIN, NOSTK, NOSTR, 0},
    [EV_GO_STATUS]             = {"GoStatus", 4, 1, 0, NOSTK, NOSTR, 0},
    [EV_STW_BEGIN]             = {"STWBegin", 3, 1, 0, {1, -1}, {0, -1}, 0},
    [EV_STW_END]               = {"STWEnd", 1, 1, EV_STW_BEGIN, NOSTK, NOSTR, 0},
    [EV_GC_ACTIVE]             = {"GCActive", 2, 1, EV_GC_BEGIN, NOSTK, NOSTR, 0},
    [EV_GC_BEGIN]              = {"GCBegin", 3, 1, 0, {1, -1}, NOSTR, 0},
    [EV_GC_END]                = {"GCEnd", 2, 1, EV_GC_BEGIN, NOSTK, NOSTR, 0},
    [EV_GC_SWEEP_ACTIVE]       = {"GCSweepActive", 2, 1, EV_GC_SWEEP_BEGIN, NOSTK, NOSTR, 0},
    [EV_GC_SWEEP_BEGIN]        = {"GCSweepBegin", 2, 1, 0, {0, -1}, NOSTR, 0},
    [EV_GC_SWEEP_END]          = {"GCSweepEnd", 3, 1, EV_GC_SWEEP_BEGIN, NOSTK, NOSTR, 0},
    [EV_GC_MARK_ASSIST_ACTIVE] = {"GCMarkAssistActive", 2, 1, EV_GC_MARK_ASSIST_BEGIN, NOSTK, NOSTR, 0},
    [EV_GC_MARK_ASSIST_BEGIN]  = {"GCMarkAssistBegin", 2, 1, 0, {0, -1}, NOSTR, 0},
    [EV_GC_MARK_ASSIST_END]    = {"GCMarkAssistEnd", 1, 1, EV_GC_MARK_ASSIST_BEGIN, NOSTK, NOSTR, 0},
    [EV_HEAP_ALLOC]            = {"HeapAlloc", 2, 1, 0, NOSTK, NOSTR, 0},
    [EV_HEAP_GOAL]             = {"HeapGoal", 2, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_LABEL]              = {"GoLabel", 2, 1, 0, NOSTK, {0, -1}, 0},
    [EV_USER_TASK_BEGIN]       = {"UserTaskBegin", 5, 1, 0, {3, -1}, {2, -1}, 0},
    [EV_USER_TASK_END]         = {"UserTaskEnd", 3, 1, 0, {1, -1}, NOSTR, 0},
    [EV_USER_REGION_BEGIN]     = {"UserRegionBegin", 4, 1, 0, {2, -1}, {1, -1}, 0},
    [EV_USER_REGION_END]       = {"UserRegionEnd", 4, 1, EV_USER_REGION_BEGIN, {2, -1}, {1, -1}, 0},
    [EV_USER_LOG]              = {"UserLog", 5, 1, 0, {3, -1}, {1, 2}, 0},
    [EV_GO_SWITCH]             = {"GoSwitch", 3, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_SWITCH_DESTROY]     = {"GoSwitchDestroy", 3, 1, 0, NOSTK, NOSTR, 0},
    [EV_GO_CREATE_BLOCKED]     = {"GoCreateBlocked", 4, 1, 0, {2, 1}, NOSTR, 0},
    [EV_GO_STATUS_STACK]       = {"GoStatusStack", 5, 1, 0, {3, -1}, NOSTR, 0},
    [EV_EXPERIMENTAL_BATCH]    = {"ExperimentalBatch", 4, 0, 0, NOSTK, NOSTR, 0},
    [EV_SYNC]                  = {"Sync", 0, 0, 0, NOSTK, NOSTR, 0},
    [EV_CLOCK_SNAPSHOT]        = {"ClockSnapshot", 4, 1, 0, NOSTK, NOSTR, 0},
    [EV_END_OF_GENERATION]     = {"EndOfGeneration", 0, 0, 0, NOSTK, NOSTR, 0},
    [128]                      = {"Span", 4, 1, 0, NOSTK, NOSTR, 1},
    [129]                      = {"SpanAlloc", 4, 1, 0, NOSTK, NOSTR, 1},
    [130]                      = {"SpanFree", 2, 1, 0, NOSTK, NOSTR, 1},
    [131]                      = {"HeapObject", 3, 1, 0, NOSTK, NOSTR, 1},
    [132]                      = {"HeapObjectAlloc", 3, 1, 0, NOSTK, NOSTR, 1},
    [133]                      = {"HeapObjectFree", 2, 1, 0, NOSTK, NOSTR, 1},
    [134]                      = {"GoroutineStack", 3, 1, 0, NOSTK, NOSTR, 1},
    [135]                      = {"GoroutineStackAlloc", 3, 1, 0, NOSTK, NOSTR, 1},
    [136]                      = {"GoroutineStackFree", 2, 1, 0, NOSTK, NOSTR, 1},
};
/* clang-format on */

int64_t trace_freq_mul(double freq, uint64_t ticks)
{
    double x = (double)ticks * freq;
    /* Go on amd64 converts with CVTTSD2SQ, which yields INT64_MIN for NaN and
     * anything outside int64; C calls that undefined, so spell it out. */
    if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)x;
}

/* Go API states of the wire statuses; Bad maps to the zero state, as in Go's
 * lookup tables. */
const uint8_t trace_go_state_of[GS_COUNT] = {PG_TRACE_G_UNDETERMINED, PG_TRACE_G_RUNNABLE,
                                             PG_TRACE_G_RUNNING, PG_TRACE_G_SYSCALL,
                                             PG_TRACE_G_WAITING};
const uint8_t trace_proc_state_of[PS_COUNT] = {PG_TRACE_P_UNDETERMINED, PG_TRACE_P_RUNNING,
                                               PG_TRACE_P_IDLE, PG_TRACE_P_RUNNING,
                                               PG_TRACE_P_IDLE};
