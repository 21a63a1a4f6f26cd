/* launch.c - how the manager is started and how it finds its worker */

#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "common.h"
#include "launch.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/mapreduce"
#endif
#ifndef MPIEXEC
#define MPIEXEC		"mpiexec"
#endif
#define PROBE_TIMEOUT_MS	5000	/* a worker answers in milliseconds */
#define REEXEC_MARK	"MAPREDUCE_REEXEC"	/* set for the second start */

extern char **environ;

static int	self_path(char *buf, size_t len);
static char	*executable(const char *path, const char *origin);
static const char *probe(const char *path);
static int	read_answer(int fd, char *buf, size_t len);
static int	started_by_process_manager(void);
#ifndef OPEN_MPI
static int	slurm_one_node(int workers);
#endif
static void	print_quoted(const char *arg);

int
launch_world_size(void)
{
	const char *n;

#ifdef OPEN_MPI
	n = getenv("OMPI_COMM_WORLD_SIZE");
#else
	n = getenv("PMI_SIZE");			/* hydra, srun --mpi=pmi2 */
#endif
	return n != NULL && atoi(n) > 1 ? atoi(n) : 1;
}

int
launch_world_rank(void)
{
	const char *r;

#ifdef OPEN_MPI
	r = getenv("OMPI_COMM_WORLD_RANK");
#else
	r = getenv("PMI_RANK");
#endif
	return r != NULL ? atoi(r) : 0;
}

char *
launch_find_worker(const char *given)
{
	char self[PATH_MAX], *beside, *found = NULL;
	const char *env, *origin = NULL, *why;

	if (given != NULL)
		found = executable(given, origin = "--worker");
	else if ((env = getenv("MAPREDUCE_WORKER")) != NULL && *env != '\0')
		found = executable(env, origin = "MAPREDUCE_WORKER");
	else if (self_path(self, sizeof(self)) == 0) {
		if (asprintf(&beside, "%s/worker", dirname(self)) == -1)
			err(1, "asprintf");
		found = executable(beside, NULL);
		free(beside);
	}
	if (found == NULL && origin == NULL)
		found = executable(LIBEXECDIR "/worker", NULL);
	if (found == NULL)
		errx(1, "no worker executable beside mapreduce nor in %s"
		    " (give one with --worker PATH)", LIBEXECDIR);
	if ((why = probe(found)) != NULL)
		errx(origin != NULL ? 2 : 1, "'%s' is not a worker of this"
		    " mapreduce: %s", found, why);
	return found;
}

/* Our own executable's absolute path into buf; -1 if it cannot be read. */
static int
self_path(char *buf, size_t len)
{
	ssize_t n;

	if ((n = readlink("/proc/self/exe", buf, len - 1)) == -1)
		return -1;
	buf[n] = '\0';
	return 0;
}

/*
 * Return the absolute path of an executable regular file, or NULL.  When
 * origin names where the path came from, a bad path is fatal bad input.
 */
static char *
executable(const char *path, const char *origin)
{
	struct stat st;
	const char *why = NULL;
	char *abs;

	if (stat(path, &st) == -1)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (access(path, X_OK) == -1)
		why = "not executable";
	if (why == NULL) {
		if ((abs = realpath(path, NULL)) == NULL)
			err(1, "%s", path);
		return abs;
	}
	if (origin != NULL)
		errx(2, "bad worker '%s' from %s: %s", path, origin, why);
	return NULL;
}

/* Run "path --probe"; return NULL if it answers as our worker, else why not. */
static const char *
probe(const char *path)
{
	static char why[128];
	char answer[64], want[64];
	char *argv[] = { (char *)path, (char *)MR_PROBE_OPTION, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int fd[2], status, got;
	pid_t pid;

	if (pipe2(fd, O_CLOEXEC) == -1)
		err(1, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
	    O_WRONLY, 0);
	/* Its own process group, so that a timeout kills all it started. */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	errno = posix_spawn(&pid, path, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (errno != 0) {
		close(fd[0]);
		snprintf(why, sizeof(why), "cannot run it: %s", strerror(errno));
		return why;
	}
	got = read_answer(fd[0], answer, sizeof(answer));
	close(fd[0]);
	if (got == -1)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	snprintf(want, sizeof(want), MR_PROBE_ANSWER, MR_PROTOCOL_VERSION);
	if (got == -1)
		return "it did not answer '" MR_PROBE_OPTION "' within 5 s";
	if (strcmp(answer, want) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		return NULL;
	if (strncmp(answer, want, strcspn(want, "0123456789")) == 0) {
		answer[strcspn(answer, "\n")] = '\0';
		snprintf(why, sizeof(why), "it answers '%s', this mapreduce"
		    " speaks protocol %d (another build?)", answer,
		    MR_PROTOCOL_VERSION);
		return why;
	}
	return "it does not answer '" MR_PROBE_OPTION "' as a worker does";
}

/* Read until EOF into buf (NUL-terminated); -1 on timeout. */
static int
read_answer(int fd, char *buf, size_t len)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct timespec start, now;
	size_t used = 0;
	ssize_t n;
	int left;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = PROBE_TIMEOUT_MS - (int)((now.tv_sec - start.tv_sec) *
		    1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, left) == 0)
			return -1;
		n = read(fd, buf + used, len - 1 - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || (used += (size_t)n) == len - 1)
			break;
	}
	buf[used] = '\0';
	return 0;
}

/*
 * Process managers announce themselves in the environment.  Only those of
 * the MPI we are linked with count: under another MPI's mpiexec we would be
 * a singleton all the same.
 */
static int
started_by_process_manager(void)
{
	static const char *pm_vars[] = {
#ifdef OPEN_MPI
		"OMPI_COMM_WORLD_SIZE", "PMIX_RANK",
#else
		"PMI_RANK", "PMI_FD", "PMI_PORT",	/* hydra, srun --mpi=pmi2 */
#endif
	};
	size_t i;

	for (i = 0; i < sizeof(pm_vars) / sizeof(pm_vars[0]); i++)
		if (getenv(pm_vars[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Without a process manager we would be an MPI singleton, and a singleton
 * that spawns hangs for ever with MPICH 4.0.2.  So start again, under the
 * mpiexec we were built with: one manager process in a universe with room
 * for the workers.  REEXEC_MARK tells the second start that it is one, so
 * that an mpiexec whose variables we do not know cannot make us loop.
 */
void
launch_under_process_manager(int argc, char *argv[], int workers)
{
	const char *mpiexec;
	char **args, self[PATH_MAX];
	int n = 0, k;
	char usize[32];
	long cpus;

	if (started_by_process_manager())
		return;
	if ((mpiexec = getenv("MAPREDUCE_MPIEXEC")) == NULL || *mpiexec == '\0')
		mpiexec = MPIEXEC;
	if (getenv(REEXEC_MARK) != NULL)
		errx(1, "'%s' started mapreduce without the process manager"
		    " of the MPI it was built with", mpiexec);
	if (self_path(self, sizeof(self)) == -1)
		err(1, "/proc/self/exe");
	if ((args = calloc((size_t)argc + 8, sizeof(*args))) == NULL)
		err(1, "calloc");
	args[n++] = (char *)mpiexec;
	args[n++] = (char *)"-n";
	args[n++] = (char *)"1";
#ifndef OPEN_MPI
	if ((cpus = slurm_one_node(workers)) > 0) {
		args[n++] = (char *)"-launcher";
		args[n++] = (char *)"fork";
	} else
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (workers == 0) {	/* as many workers as processors */
		snprintf(usize, sizeof(usize), "%ld", cpus + 1);
		args[n++] = (char *)"-usize";
		args[n++] = usize;
	}
#else
	/*
	 * Open MPI's universe is the slots of its hosts: as many as there
	 * are processors and the manager; more, as -w asks, oversubscribed.
	 */
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	args[n++] = (char *)"--oversubscribe";
	if (workers == 0) {
		snprintf(usize, sizeof(usize), "localhost:%ld", cpus + 1);
		args[n++] = (char *)"--host";
		args[n++] = usize;
	}
#endif
	args[n++] = self;
	for (k = 1; k < argc; k++)
		args[n++] = argv[k];
	setenv(REEXEC_MARK, "1", 1);
	execvp(mpiexec, args);
	fprintf(stderr, "mapreduce: not started by mpiexec, and cannot run"
	    " '%s': %s; run:", mpiexec, strerror(errno));
	fprintf(stderr, " mpiexec");	/* whichever the user's MPI has */
	for (k = 1; k < n; k++) {
		fputc(' ', stderr);
		print_quoted(args[k]);
	}
	fputc('\n', stderr);
	exit(1);
}

#ifndef OPEN_MPI
/*
 * Inside a Slurm job, hydra starts each proxy with srun, as a job step, and
 * a spawn needs a second step, which Slurm keeps waiting for the CPUs that
 * the first one holds: the run would hang.  On the job's one node the fork
 * launcher needs no step.  Return the job's CPUs on this node when that is
 * where we are, 0 outside Slurm or when HYDRA_LAUNCHER is the user's choice;
 * anywhere else, exit with what to do.
 */
static int
slurm_one_node(int workers)
{
	const char *job, *nodes, *cpus;
	char where[64], n[16] = "N";

	if ((job = getenv("SLURM_JOB_ID")) == NULL ||
	    getenv("HYDRA_LAUNCHER") != NULL)
		return 0;
	if ((nodes = getenv("SLURM_JOB_NUM_NODES")) == NULL &&
	    (nodes = getenv("SLURM_NNODES")) == NULL)
		nodes = "1";
	cpus = getenv("SLURM_CPUS_ON_NODE");
	if (strcmp(nodes, "1") != 0)
		snprintf(where, sizeof(where), "across the %s nodes of", nodes);
	else if (getenv("SLURMD_NODENAME") == NULL)	/* salloc's shell */
		snprintf(where, sizeof(where), "from outside the node of");
	else
		return cpus != NULL && atoi(cpus) > 0 ? atoi(cpus) : 1;
	if (workers > 0)
		snprintf(n, sizeof(n), "%d", workers);
	errx(1, "cannot spawn workers %s Slurm job %s (hydra's srun steps"
	    " would wait for each other for ever); start them with the"
	    " manager: mpiexec -n 1 mapreduce ARGS : -n %s worker", where, job,
	    n);
}
#endif

/* Print arg so that a POSIX shell reads it back as one word. */
static void
print_quoted(const char *arg)
{
	const char *p;

	if (*arg != '\0' && strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-+=:,./@%") == strlen(arg)) {
		fputs(arg, stderr);
		return;
	}
	fputc('\'', stderr);
	for (p = arg; *p != '\0'; p++) {
		if (*p == '\'')
			fputs("'\\''", stderr);
		else if ((unsigned char)*p < ' ')
			fputc('?', stderr);	/* keep the message one line */
		else
			fputc(*p, stderr);
	}
	fputc('\'', stderr);
}
