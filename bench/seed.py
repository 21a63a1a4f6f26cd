# seed.py - the course's program: the seed's sum of products with mpi4py
#
# usage: mpiexec.openmpi -n 1 /usr/bin/python3 bench/seed.py
#
# The pool size is given: by default MPIPoolExecutor takes the universe size
# minus one, which Open MPI sets to one worker on this 2-core machine.  Two
# workers match `mapreduce -w 2`.

from functools import reduce
from operator import add

from mpi4py.futures import MPIPoolExecutor


def product(x, y):
    return x * y


if __name__ == "__main__":
    with MPIPoolExecutor(max_workers=2) as executor:
        total = reduce(add, executor.map(product, range(1, 101),
                                         range(101, 201)))
    print("Sum of the products equals", total)
