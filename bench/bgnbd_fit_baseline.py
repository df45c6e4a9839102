"""The same-run baseline of bench/ltv: numpy/scipy BG/NBD and Gamma-Gamma fits the way the
`lifetimes` library fits them (BetaGeoFitter, GammaGammaFitter), for a machine without lifetimes.

Reads a summary CSV (customer,frequency,recency,T,monetary_value) with numpy, divides times by the
longest T, and minimises the mean negative log-likelihood over log-parameters from 0.1 with
scipy.optimize.minimize: its default method (BFGS) with the analytic gradient, tolerance 1e-7, as
lifetimes 0.11 does (it takes the gradient from autograd); --method Nelder-Mead runs the simplex
search without gradients instead. Standard errors from a central-difference Hessian of the
gradient. Prints one JSON line: parameters, log-likelihoods, iterations, seconds.

Usage: python3 bench/bgnbd_fit_baseline.py FILE [--method BFGS|Nelder-Mead]
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln


def bgnbd_nll(theta, x, tx, T, grad):
    """Mean negative log-likelihood of BG/NBD (Fader, Hardie & Lee 2005) at log-parameters."""
    r, alpha, a, b = np.exp(theta)
    repeat = x > 0
    lt = np.log(alpha + T)
    ltx = np.log(alpha + tx)
    a3 = -(r + x) * lt
    a4 = np.where(repeat, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * ltx, -np.inf)
    tail = np.logaddexp(a3, a4)
    ll = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x) + tail
    n = x.size
    value = -ll.sum() / n
    if not grad:
        return value
    w3 = np.exp(a3 - tail)
    w4 = np.where(repeat, 1 - w3, 0.0)
    d_ab = digamma(a + b) - digamma(a + b + x)
    g = np.array([
        (digamma(r + x) - digamma(r) + np.log(alpha) - w3 * lt - w4 * ltx).sum() * r,
        (r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + tx)).sum() * alpha,
        (d_ab + w4 / a).sum() * a,
        (d_ab + digamma(b + x) - digamma(b) - np.where(repeat, w4 / (b + np.maximum(x, 1) - 1), 0.0)).sum() * b,
    ])
    return value, -g / n


def gamma_gamma_nll(theta, x, m, grad):
    """Mean negative log-likelihood of Gamma-Gamma (Fader, Hardie & Lee 2005, JMR) at log-parameters."""
    p, q, v = np.exp(theta)
    px = p * x
    total = x * m + v
    ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(total)
    n = x.size
    value = -ll.sum() / n
    if not grad:
        return value
    psi = digamma(px + q)
    g = np.array([
        (x * (psi - digamma(px) + np.log(m) + np.log(x) - np.log(total))).sum() * p,
        (psi - digamma(q) + np.log(v) - np.log(total)).sum() * q,
        (q / v - (px + q) / total).sum() * v,
    ])
    return value, -g / n


def fit(nll, args, size, method):
    start = np.full(size, 0.1)
    if method == 'Nelder-Mead':
        out = minimize(nll, start, args=(*args, False), method='Nelder-Mead', tol=1e-7, options={'maxiter': 20000, 'maxfev': 20000})
    else:
        out = minimize(nll, start, args=(*args, True), jac=True, tol=1e-7)
    return out


def standard_errors(theta, args, n):
    """Delta-method standard errors from a central-difference Hessian of the mean NLL's gradient."""
    h = np.zeros((4, 4))
    for i in range(4):
        d = 1e-5 * max(1.0, abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += d
        down[i] -= d
        h[i] = (bgnbd_nll(up, *args, True)[1] - bgnbd_nll(down, *args, True)[1]) / (2 * d)
    cov = np.linalg.inv((h + h.T) / 2)
    return np.exp(theta) * np.sqrt(np.maximum(np.diag(cov), 0) / n)


def main():
    started = time.perf_counter()
    path = sys.argv[1]
    method = sys.argv[sys.argv.index('--method') + 1] if '--method' in sys.argv else 'BFGS'
    data = np.loadtxt(path, delimiter=',', skiprows=1, usecols=(1, 2, 3, 4))
    x, tx, T, m = data[:, 0], data[:, 1], data[:, 2], data[:, 3]
    read = time.perf_counter() - started
    scale = T.max()
    bg = fit(bgnbd_nll, (x, tx / scale, T / scale), 4, method)
    r, alpha, a, b = np.exp(bg.x)
    alpha *= scale
    se = standard_errors(bg.x, (x, tx / scale, T / scale), x.size)
    se[1] *= scale
    # Log-likelihood in the file's time unit: ln(scale) less per repeat purchase (see bgnbd.ts).
    ll = -bg.fun * x.size - x.sum() * np.log(scale)
    repeat = (x > 0) & (m > 0)
    gg = fit(gamma_gamma_nll, (x[repeat], m[repeat]), 3, method)
    p, q, v = np.exp(gg.x)
    print(json.dumps({
        'customers': int(x.size),
        'method': method,
        'bgnbd': {'r': r, 'alpha': alpha, 'a': a, 'b': b, 'll': ll, 'se': dict(zip(['r', 'alpha', 'a', 'b'], se.tolist())), 'iterations': int(bg.nit), 'evaluations': int(bg.nfev), 'converged': bool(bg.success)},
        'gammagamma': {'p': p, 'q': q, 'v': v, 'll': -gg.fun * int(repeat.sum()), 'iterations': int(gg.nit), 'converged': bool(gg.success)},
        'read_seconds': read,
        'seconds': time.perf_counter() - started,
    }))


if __name__ == '__main__':
    main()
