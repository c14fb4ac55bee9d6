/*
 * The parts of Go's math package that benchstat's numbers depend on, bit for
 * bit as a Go program on linux/amd64 (GOAMD64=v1, the default) computes them.
 *
 * libm is close but not identical: Go's Exp and Log are hand-written amd64
 * assembly with their own rounding, Exp even takes a different path on CPUs
 * with FMA, and benchstat's order-statistic intervals flip on the last bit
 * of exp(lgamma(...)) (benchstat-spec.md §3.3). Internal to gate/stats; the
 * tests check every function against values printed by Go.
 */
#ifndef PG_GOMATH_H
#define PG_GOMATH_H

/* math.Exp (exp_amd64.s; the FMA path when the CPU has AVX and FMA). */
double pg_gomath_exp(double x);
/* math.Log (log_amd64.s). */
double pg_gomath_log(double x);
/* math.Erfc (erf.go). */
double pg_gomath_erfc(double x);
/* mathx.Choose from go-moremath: exact through n = 20, then
 * exp(lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1)) with Go's Lgamma. */
double pg_gomath_choose(int n, int k);

/* Go picks Exp's code path from the CPU at start-up (GODEBUG=cpu.fma=off
 * forces the other one); so does this file. Tests pin it: 1 = FMA path,
 * 0 = plain SSE2 path, -1 = detect from the CPU again. */
void pg_gomath_set_fma(int mode);

#endif
