/*
 * Go's math.Exp, math.Log, math.Erfc, math.Lgamma and go-moremath's
 * mathx.Choose, ported operation by operation so that every result has the
 * same bits as in Go on amd64. The Go source is quoted where the order of
 * operations is not obvious. This file must be compiled without
 * floating-point contraction (gate/stats/CMakeLists.txt): a fused
 * multiply-add where Go has two roundings changes last bits.
 */
#include "pg_gomath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define SIGN_BIT     0x8000000000000000ull
#define POS_INF_BITS 0x7FF0000000000000ull
#define NEG_INF_BITS 0xFFF0000000000000ull

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static int fma_mode = -1;

void pg_gomath_set_fma(int mode)
{
    fma_mode = mode < 0 ? -1 : mode != 0;
}

/* Go: var useFMA = cpu.X86.HasAVX && cpu.X86.HasFMA. Elsewhere we compute
 * what benchstat computes on a current amd64 machine, which has both. */
static int use_fma(void)
{
    if (fma_mode < 0) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        fma_mode = __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma");
#else
        fma_mode = 1;
#endif
    }
    return fma_mode;
}

/* CVTSD2SL: round to nearest even (the default MXCSR mode); out of range
 * gives the "integer indefinite" 0x80000000. */
static int32_t cvtsd2sl(double t)
{
    if (!(t >= -2147483648.5 && t < 2147483647.5))
        return INT32_MIN;
    return (int32_t)nearbyint(t);
}

/* exp_amd64.s: Shibata's method, x = k*ln2 + r, e^r from a Taylor series
 * in r/16 and four squarings, then scaled by 2^k. */
double pg_gomath_exp(double x)
{
    const double log2e = 1.4426950408889634073599246810018920;
    const double ln2u = 0.69314718055966295651160180568695068359375;
    const double ln2l = 0.28235290563031577122588448175013436025525412068e-12;
    const double overflow = 7.09782712893384e+02;
    static const double taylor[] = {
        2.4801587301587301587e-5,
        1.9841269841269841270e-4,
        1.3888888888888888889e-3,
        8.3333333333333333333e-3,
        4.1666666666666666667e-2,
        1.6666666666666666667e-1,
        0.5,
        1.0,
    };

    uint64_t b = bits_of(x);
    if ((b & ~SIGN_BIT) >= POS_INF_BITS)
        return b == NEG_INF_BITS ? 0 : x; /* -Inf -> 0; +Inf, NaN -> x */
    if (x > overflow)
        return HUGE_VAL;

    int32_t k = cvtsd2sl(log2e * x);
    double kf = (double)k;
    double r, p;
    if (use_fma()) {
        r = fma(-ln2u, kf, x);
        r = fma(-ln2l, kf, r);
        r *= 0.0625;
        p = taylor[0];
        for (int i = 1; i < 8; i++)
            p = fma(p, r, taylor[i]);
        r *= p;
        for (int i = 0; i < 3; i++)
            r *= r + 2.0;
        r = fma(r, r + 2.0, 1.0);
    } else {
        r = x - ln2u * kf;
        r = r - ln2l * kf;
        r *= 0.0625;
        p = taylor[0];
        for (int i = 1; i < 8; i++)
            p = p * r + taylor[i];
        r *= p;
        for (int i = 0; i < 4; i++)
            r *= r + 2.0;
        r += 1.0;
    }

    /* ldexp: the biased exponent is computed in 32 bits. */
    int32_t e = (int32_t)((uint32_t)k + 0x3FF);
    if (e <= 0) {
        if (e < -52)
            return 0;
        r *= from_bits((uint64_t)(uint32_t)(e + 0x3FE) << 52);
        return r * from_bits(1ull << 52);
    }
    if (e >= 0x7FF)
        return HUGE_VAL;
    return r * from_bits((uint64_t)e << 52);
}

/* log_amd64.s: FreeBSD's e_log.c with the mantissa split done on the bits
 * (so subnormals are not renormalised, unlike Go's pure-Go Log). */
double pg_gomath_log(double x)
{
    const double hsqrt2 = 7.07106781186547524401e-01;
    const double ln2hi = 6.93147180369123816490e-01;
    const double ln2lo = 1.90821492927058770002e-10;
    const double l1 = 6.666666666666735130e-01, l2 = 3.999999999940941908e-01;
    const double l3 = 2.857142874366239149e-01, l4 = 2.222219843214978396e-01;
    const double l5 = 1.818357216161805012e-01, l6 = 1.531383769920937332e-01;
    const double l7 = 1.479819860511658591e-01;

    uint64_t b = bits_of(x);
    if ((b & ~SIGN_BIT) == 0)
        return -HUGE_VAL;
    if (b & SIGN_BIT)
        return from_bits(0x7FF8000000000001ull);
    if (b >= POS_INF_BITS)
        return x;

    double f1 = from_bits((b & 0x000FFFFFFFFFFFFFull) | bits_of(0.5));
    double k = (double)((int32_t)((b >> 52) & 0x7FF) - 0x3FE);
    /* CMPSD $5 (not less than): taken when f1 <= sqrt(2)/2. */
    if (!(hsqrt2 < f1)) {
        k -= 1.0;
        f1 *= 2.0;
    }
    double f = f1 - 1.0;
    double s = f / (2.0 + f);
    double s2 = s * s;
    double s4 = s2 * s2;
    double t1 = s2 * (((l7 * s4 + l5) * s4 + l3) * s4 + l1);
    double t2 = s4 * ((l6 * s4 + l4) * s4 + l2);
    double rr = t1 + t2;
    double hfsq = 0.5 * f * f;
    double acc = s * (rr + hfsq) + ln2lo * k;
    acc = (hfsq - acc) - f;
    return k * ln2hi - acc;
}

/* erf.go's erfc: FreeBSD's s_erf.c, with Go's Exp. */
double pg_gomath_erfc(double x)
{
    const double erx = 8.45062911510467529297e-01;
    const double pp0 = 1.28379167095512558561e-01, pp1 = -3.25042107247001499370e-01,
                 pp2 = -2.84817495755985104766e-02, pp3 = -5.77027029648944159157e-03,
                 pp4 = -2.37630166566501626084e-05, qq1 = 3.97917223959155352819e-01,
                 qq2 = 6.50222499887672944485e-02, qq3 = 5.08130628187576562776e-03,
                 qq4 = 1.32494738004321644526e-04, qq5 = -3.96022827877536812320e-06;
    const double pa0 = -2.36211856075265944077e-03, pa1 = 4.14856118683748331666e-01,
                 pa2 = -3.72207876035701323847e-01, pa3 = 3.18346619901161753674e-01,
                 pa4 = -1.10894694282396677476e-01, pa5 = 3.54783043256182359371e-02,
                 pa6 = -2.16637559486879084300e-03, qa1 = 1.06420880400844228286e-01,
                 qa2 = 5.40397917702171048937e-01, qa3 = 7.18286544141962662868e-02,
                 qa4 = 1.26171219808761642112e-01, qa5 = 1.36370839120290507362e-02,
                 qa6 = 1.19844998467991074170e-02;
    const double ra0 = -9.86494403484714822705e-03, ra1 = -6.93858572707181764372e-01,
                 ra2 = -1.05586262253232909814e+01, ra3 = -6.23753324503260060396e+01,
                 ra4 = -1.62396669462573470355e+02, ra5 = -1.84605092906711035994e+02,
                 ra6 = -8.12874355063065934246e+01, ra7 = -9.81432934416914548592e+00,
                 sa1 = 1.96512716674392571292e+01, sa2 = 1.37657754143519042600e+02,
                 sa3 = 4.34565877475229228821e+02, sa4 = 6.45387271733267880336e+02,
                 sa5 = 4.29008140027567833386e+02, sa6 = 1.08635005541779435134e+02,
                 sa7 = 6.57024977031928170135e+00, sa8 = -6.04244152148580987438e-02;
    const double rb0 = -9.86494292470009928597e-03, rb1 = -7.99283237680523006574e-01,
                 rb2 = -1.77579549177547519889e+01, rb3 = -1.60636384855821916062e+02,
                 rb4 = -6.37566443368389627722e+02, rb5 = -1.02509513161107724954e+03,
                 rb6 = -4.83519191608651397019e+02, sb1 = 3.03380607434824582924e+01,
                 sb2 = 3.25792512996573918826e+02, sb3 = 1.53672958608443695994e+03,
                 sb4 = 3.19985821950859553908e+03, sb5 = 2.55305040643316442583e+03,
                 sb6 = 4.74528541206955367215e+02, sb7 = -2.24409524465858183362e+01;
    const double tiny = 0x1p-56;
    const double one_over_035 = 0x1.6db6db6db6db7p+1; /* Go's exact constant 1/0.35 */

    if (isnan(x))
        return NAN;
    if (isinf(x))
        return x > 0 ? 0 : 2;
    int sign = 0;
    if (x < 0) {
        x = -x;
        sign = 1;
    }
    if (x < 0.84375) {
        double temp;
        if (x < tiny) {
            temp = x;
        } else {
            double z = x * x;
            double r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
            double s = 1 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
            double y = r / s;
            if (x < 0.25)
                temp = x + x * y;
            else
                temp = 0.5 + (x * y + (x - 0.5));
        }
        return sign ? 1 + temp : 1 - temp;
    }
    if (x < 1.25) {
        double s = x - 1;
        double p = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
        double q = 1 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
        return sign ? 1 + erx + p / q : 1 - erx - p / q;
    }
    if (x < 28) {
        double s = 1 / (x * x);
        double r, ss;
        if (x < one_over_035) {
            r = ra0 +
                s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
            ss =
                1 + s * (sa1 +
                         s * (sa2 +
                              s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
        } else {
            if (sign && x > 6)
                return 2;
            r = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
            ss =
                1 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
        }
        double z = from_bits(bits_of(x) & 0xffffffff00000000ull);
        double e = pg_gomath_exp(-z * z - 0.5625) * pg_gomath_exp((z - x) * (z + x) + r / ss);
        return sign ? 2 - e / x : e / x;
    }
    return sign ? 2 : 0;
}

/* lgamma.go's Lgamma for the positive integers Choose passes it. For
 * 3 <= n <= 7 Go's polynomial vanishes (y = 0) and what is left is
 * Log((n-1)!); from 8 on, Stirling's series. */
static double lgamma_int(int n)
{
    static const double w[] = {
        4.18938533204672725052e-01,  8.33333333333329678849e-02,  -2.77777777728775536470e-03,
        7.93650558643019558500e-04,  -5.95187557450339963135e-04, 8.36339918996282139126e-04,
        -1.63092934096575273989e-03,
    };
    if (n <= 2)
        return 0;
    if (n < 8) {
        double z = 1;
        for (int i = 2; i < n; i++)
            z *= i;
        return pg_gomath_log(z);
    }
    double x = n;
    double t = pg_gomath_log(x);
    double z = 1 / x;
    double y = z * z;
    double ww = w[0] + z * (w[1] + y * (w[2] + y * (w[3] + y * (w[4] + y * (w[5] + y * w[6])))));
    return (x - 0.5) * (t - 1) + ww;
}

double pg_gomath_choose(int n, int k)
{
    if (k == 0 || k == n)
        return 1;
    if (k < 0 || n < k)
        return 0;
    if (n <= 20) {
        /* 20! fits in 62 bits. */
        int64_t numer = 1, denom = 1;
        for (int64_t i = n - (k - 1); i <= n; i++)
            numer *= i;
        for (int64_t i = 2; i <= k; i++)
            denom *= i;
        return (double)(numer / denom);
    }
    return pg_gomath_exp(lgamma_int(n + 1) - lgamma_int(k + 1) - lgamma_int(n - k + 1));
}
