# closed_form.py - the exact sum of products of ranges, without a loop over them
#
# usage: python3 bench/closed_form.py START:STOP[:STEP] ...
#
# Prints sum(prod(r[i] for r in ranges) for i in range(n)) for ranges of one
# length n.  Element i of range j is a_j + s_j * i, so the product is a
# polynomial in i whose coefficients are expanded here, and the sum over i
# uses the power sums S_p(n) = 0^p + ... + (n-1)^p, from the identity
# n^(p+1) = sum(C(p+1, q) * S_q(n) for q <= p).  The benchmark checks every
# answer against this independent value.

import sys
from math import comb


def power_sums(n, k):
    s = []
    for p in range(k + 1):
        t = n ** (p + 1) - sum(comb(p + 1, q) * s[q] for q in range(p))
        s.append(t // (p + 1))
    return s


def main():
    ranges = [range(*map(int, a.split(":"))) for a in sys.argv[1:]]
    if not ranges or any(len(r) != len(ranges[0]) for r in ranges):
        sys.exit("closed_form.py: needs ranges of one length")
    n = len(ranges[0])
    poly = [1]  # coefficients of the product, lowest power of i first
    for r in ranges:
        a, s = r.start, r.step
        poly = [(poly[p] if p < len(poly) else 0) * a +
                (poly[p - 1] * s if p > 0 else 0)
                for p in range(len(poly) + 1)]
    sums = power_sums(n, len(poly) - 1)
    print(sum(c * sums[p] for p, c in enumerate(poly)))


main()
