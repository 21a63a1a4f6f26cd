"""product.py - the seed's map and reduce as Python functions for mapreduce.

    $ mpiexec -n 1 -usize 17 ./mapreduce -k examples/product.py:product \
          -R examples/product.py:sum
    Sum of the products equals 843350

Each worker imports this file (its __name__ is "product", not "__main__")
and calls product(x, y) once per element with Python ints, x and y the
element's values of the two ranges (-r 1:101 -r 101:201 by default).  The
tool reduces the values exactly: with the built-in -R sum (the default) as
integers of any size, or, as here, with sum(x, y), a left fold within each
worker's run of elements and then over the runs in order, which is
functools.reduce(sum, values) for an associative function.

The --batch twin, product_batch.py, computes the same with numpy arrays,
a few thousand elements per call, at C speed.  Run as a script, this file
prints what Python alone computes.
"""
from functools import reduce


def product(x, y):
    """Return the product of the arguments"""
    return x * y


def sum(x, y):
    """Return the sum of the arguments"""
    return x + y


if __name__ == "__main__":
    total = reduce(sum, map(product, range(1, 101), range(101, 201)))
    print("Sum of the products equals %d" % total)
