#!/usr/bin/env python3
"""Independent reference for the RDP accountant of the sampled Gaussian mechanism.

Written for Tandem's dev.tandem.crypto.dp tests; standard library only (no numpy/scipy).
It follows the formulas of Opacus (opacus/accountants/analysis/rdp.py) and Google's
dp_accounting (rdp/rdp_privacy_accountant.py):
  * integer orders: log A_alpha = logsumexp_i [log C(alpha,i) + i log q + (alpha-i) log(1-q)
                                                + (i^2-i)/(2 sigma^2)], with C(alpha,i) exact
                     (math.comb, an integer) before its log is taken;
  * fractional orders: Mironov, Talwar, Zhang 2019 (arXiv:1908.10530, Sec. 3.3), the two
    series split at z0 = sigma^2 log(1/q - 1) + 1/2, stopped when both terms are below e^-30;
    |C(alpha,i)| from math.lgamma (which returns log|Gamma| for negative arguments) and the
    sign from counting the negative factors (alpha - k), k < i;
  * log(erfc(x)) = log 2 + log_ndtr(-x sqrt 2), log_ndtr written out as scipy's (cephes)
    ndtr.c does it: -ndtr(-a) for a > 6, log(ndtr(a)) for -20 < a <= 6, and the asymptotic
    series for a <= -20, with ndtr(a) = erfc(-a / sqrt 2) / 2 from math.erfc;
  * RDP -> (eps, delta): Balle et al. 2020, Theorem 21:
      eps = rdp - (log delta + log alpha) / (alpha - 1) + log((alpha - 1) / alpha),
    minimised over the orders (what Opacus' get_privacy_spent returns).
The Java code shares none of this: it has its own Lanczos log-gamma, erfc and summation.

How it was run (the numbers are hard-coded in RdpReferenceValuesTest and LogMathTest):
    python3 crypto/src/test/resources/dp/reference_rdp.py
with Python 3.11.7 on x86-64 Linux (glibc libm behind math.erfc / math.lgamma).
"""
import math

OPACUS_ORDERS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))
DP_ACCOUNTING_ORDERS = [1 + x / 10.0 for x in range(1, 100)] + list(range(11, 64)) + [128, 256, 512]
UNION_ORDERS = sorted(set(float(a) for a in OPACUS_ORDERS + DP_ACCOUNTING_ORDERS))


def log_add(x, y):
    a, b = min(x, y), max(x, y)
    if a == -math.inf:
        return b
    return math.log1p(math.exp(a - b)) + b


def log_sub(x, y):
    if x < y:
        raise ValueError("negative result in log_sub")
    if y == -math.inf:
        return x
    if x == y:
        return -math.inf
    try:
        return math.log(math.expm1(x - y)) + y
    except OverflowError:
        return x


def ndtr(a):
    return 0.5 * math.erfc(-a / math.sqrt(2.0))


def log_ndtr(a):
    if a > 6:
        return -ndtr(-a)
    if a > -20:
        return math.log(ndtr(a))
    log_lhs = -0.5 * a * a - math.log(-a) - 0.5 * math.log(2 * math.pi)
    last_total, rhs, numerator, denom_factor = 0.0, 1.0, 1.0, 1.0
    denom_cons = 1.0 / (a * a)
    sign, i = 1, 0
    while abs(last_total - rhs) > 2.220446049250313e-16:
        i += 1
        last_total = rhs
        sign = -sign
        denom_factor *= denom_cons
        numerator *= 2 * i - 1
        rhs += sign * numerator * denom_factor
    return log_lhs + math.log(rhs)


def log_erfc(x):
    return math.log(2) + log_ndtr(-x * 2 ** 0.5)


def log_a_int(q, sigma, alpha):
    log_a = -math.inf
    for i in range(alpha + 1):
        log_coef = math.log(math.comb(alpha, i)) + i * math.log(q) + (alpha - i) * math.log(1 - q)
        log_a = log_add(log_a, log_coef + (i * i - i) / (2 * sigma ** 2))
    return log_a


def log_abs_binom_and_sign(alpha, i):
    mag = math.lgamma(alpha + 1) - math.lgamma(i + 1) - math.lgamma(alpha - i + 1)
    negatives = sum(1 for k in range(i) if alpha - k < 0)
    return mag, (1 if negatives % 2 == 0 else -1)


def log_a_frac(q, sigma, alpha):
    log_a0, log_a1 = -math.inf, -math.inf
    i = 0
    z0 = sigma ** 2 * math.log(1 / q - 1) + 0.5
    while True:
        log_coef, sign = log_abs_binom_and_sign(alpha, i)
        j = alpha - i
        log_t0 = log_coef + i * math.log(q) + j * math.log(1 - q)
        log_t1 = log_coef + j * math.log(q) + i * math.log(1 - q)
        log_e0 = math.log(0.5) + log_erfc((i - z0) / (math.sqrt(2) * sigma))
        log_e1 = math.log(0.5) + log_erfc((z0 - j) / (math.sqrt(2) * sigma))
        log_s0 = log_t0 + (i * i - i) / (2 * sigma ** 2) + log_e0
        log_s1 = log_t1 + (j * j - j) / (2 * sigma ** 2) + log_e1
        if sign > 0:
            log_a0 = log_add(log_a0, log_s0)
            log_a1 = log_add(log_a1, log_s1)
        else:
            log_a0 = log_sub(log_a0, log_s0)
            log_a1 = log_sub(log_a1, log_s1)
        i += 1
        if max(log_s0, log_s1) < -30:
            break
    return log_add(log_a0, log_a1)


def rdp_one(q, sigma, alpha):
    if q == 0:
        return 0.0
    if sigma == 0:
        return math.inf
    if q == 1.0:
        return alpha / (2 * sigma ** 2)
    if float(alpha).is_integer():
        return log_a_int(q, sigma, int(alpha)) / (alpha - 1)
    return log_a_frac(q, sigma, alpha) / (alpha - 1)


def rdp(parts, orders):
    total = [0.0] * len(orders)
    for q, sigma, steps in parts:
        for k, a in enumerate(orders):
            total[k] += rdp_one(q, sigma, a) * steps
    return total


def eps_balle(orders, rdps, delta):
    best = (math.inf, math.nan)
    for a, r in zip(orders, rdps):
        e = r - (math.log(delta) + math.log(a)) / (a - 1) + math.log((a - 1) / a)
        if e < best[0]:
            best = (e, a)
    return best


def eps_classic(orders, rdps, delta):
    """The older conversion of tensorflow_privacy's compute_rdp/get_privacy_spent (Mironov 2017)."""
    return min((r - math.log(delta) / (a - 1), a) for a, r in zip(orders, rdps))


SETTINGS = [
    ("abadi_q0.01_s4_T10000", [(0.01, 4.0, 10000)], 1e-5),
    ("gaussian_q1_s10_T100", [(1.0, 10.0, 100)], 1e-5),
    ("q0.001_s1.1_T10000", [(0.001, 1.1, 10000)], 1e-5),
    ("q0.1_s0.8_T100", [(0.1, 0.8, 100)], 1e-5),
    ("q0.004_s1.0_T60000", [(0.004, 1.0, 60000)], 1e-5),
    ("mnist_tfp_q256of60000_s1.1_T14063", [(256 / 60000, 1.1, 14063)], 1e-5),
    # tensorflow_privacy tutorials/README.md table (classic conversion, Opacus-style orders,
    # steps = epochs * (60000 // 256)): 2.92, 9.74, 1.20
    ("tfp_tutorial_s1.12_60ep", [(256 / 60000, 1.12, 60 * 234)], 1e-5),
    ("tfp_tutorial_s0.6_30ep", [(256 / 60000, 0.6, 30 * 234)], 1e-5),
    ("tfp_tutorial_s1.2_10ep", [(256 / 60000, 1.2, 10 * 234)], 1e-5),
    ("q0.5_s0.5_T10", [(0.5, 0.5, 10)], 1e-6),
    ("q0.01_s20_T1000", [(0.01, 20.0, 1000)], 1e-5),
    ("composed_q0.01s4T5000_q0.004s1T1000", [(0.01, 4.0, 5000), (0.004, 1.0, 1000)], 1e-5),
]

RDP_PROBE_ORDERS = [1.1, 1.5, 2.0, 3.7, 10.5, 11.0, 32.0, 512.0]

if __name__ == "__main__":
    print("# setting: eps(union orders) @order | eps(Opacus orders) @order | eps(dp_accounting orders) @order | classic eps(Opacus orders)")
    for name, parts, delta in SETTINGS:
        ru = rdp(parts, UNION_ORDERS)
        e_u = eps_balle(UNION_ORDERS, ru, delta)
        ro = [ru[UNION_ORDERS.index(float(a))] for a in OPACUS_ORDERS]
        e_o = eps_balle(OPACUS_ORDERS, ro, delta)
        rd = [ru[UNION_ORDERS.index(float(a))] for a in DP_ACCOUNTING_ORDERS]
        e_d = eps_balle(DP_ACCOUNTING_ORDERS, rd, delta)
        e_c = eps_classic(OPACUS_ORDERS, ro, delta)
        print(f"{name}: {e_u[0]!r} @{e_u[1]} | {e_o[0]!r} @{e_o[1]} | {e_d[0]!r} @{e_d[1]} | {e_c[0]!r} @{e_c[1]}")
        probes = ", ".join(f"{a}: {ru[UNION_ORDERS.index(a)]!r}" for a in RDP_PROBE_ORDERS)
        print(f"    rdp {{{probes}}}")
    print("# lgamma")
    for x in [0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.7, 10.0, 11.1, 100.0, 513.0, 1000.5, 1e6, -0.5, -1.9, -10.1]:
        print(f"    {x!r}: {math.lgamma(x)!r}")
    print("# log_erfc")
    for x in [-30.0, -6.0, -3.0, -1.0, -0.3, 0.0, 0.2, 0.5, 1.0, 1.9, 2.1, 3.0, 5.0, 10.0, 14.0, 15.0, 27.0, 100.0, 1e4]:
        print(f"    {x!r}: {log_erfc(x)!r}")
