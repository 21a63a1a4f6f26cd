"""product_batch.py - the seed's map for mapreduce --batch: numpy arrays in and out.

    $ mpiexec -n 1 -usize 17 ./mapreduce --batch \
          -k examples/product_batch.py:product
    Sum of the products equals 843350
    $ mpiexec -n 1 ./mapreduce -w 2 --batch \
          -k examples/product_batch.py:product \
          -r 0:2000000000 -r 0:2000000000
    Sum of the products equals 2666666664666666667000000000

With --batch, product() gets one read-only numpy int64 array per range,
the values of a few thousand consecutive elements, and returns an array of
as many values (int64 or float64, or any sequence of numbers).  The tool
sums the int64 values exactly, as integers of any size, so the sum may
exceed 64 bits; but x * y itself is numpy's int64 arithmetic, which wraps
silently past 2^63, as a C kernel would: keep each product within 64 bits
(here, ranges below about 3 * 10^9), or convert to Python ints or floats
yourself.  Needs numpy (Debian: python3-numpy).
"""


def product(x, y):
    """Return the element-wise product of the arrays"""
    return x * y
