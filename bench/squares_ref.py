"""squares_ref.py - the reference of bench/product.sh: (N!)^2 in decimal.

usage: squares_ref.py N

Written with Python's decimal module (libmpdec), exact at any size, whose
multiplication and output are its own, not GMP's: Python 3.11's str() of
an int of 11 million digits would take half an hour.
"""

import decimal
import sys


def squares(lo, hi):
    """The product of i * i for lo <= i < hi, as a Decimal."""
    if hi - lo <= 16:
        r = 1
        for i in range(lo, hi):
            r *= i * i
        return decimal.Decimal(r)
    mid = (lo + hi) // 2
    return squares(lo, mid) * squares(mid, hi)


decimal.setcontext(decimal.Context(prec=decimal.MAX_PREC,
                                   Emax=decimal.MAX_EMAX,
                                   Emin=decimal.MIN_EMIN,
                                   traps=[decimal.Inexact, decimal.Rounded]))
print(format(squares(1, int(sys.argv[1]) + 1), "f"))
