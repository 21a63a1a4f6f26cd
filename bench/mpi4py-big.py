# mpi4py-big.py - the seed's program on two ranges of N elements, chunks of 10^5
#
# usage: mpiexec.openmpi -n 1 /usr/bin/python3 bench/mpi4py-big.py N
#
# Sums x*y for x and y in range(0, N), as `mapreduce -w 2 -r 0:N -r 0:N`.

import sys
from functools import reduce
from operator import add

from mpi4py.futures import MPIPoolExecutor


def product(x, y):
    return x * y


if __name__ == "__main__":
    n = int(sys.argv[1])
    with MPIPoolExecutor(max_workers=2) as executor:
        total = reduce(add, executor.map(product, range(n), range(n),
                                         chunksize=10**5))
    print("Sum of the products equals", total)
