/* guard.c - when a worker dies: the guard that reports it, the fault that tests it */

#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"

#define ABORT_GRACE_S	10	/* the process manager kills us well before */
/* Worker k's guard reports after k times STAGGER_NS, k at most STAGGER_MAX. */
#define STAGGER_NS	150000000L
#define STAGGER_MAX	6
#define SLOW_START_NS	300000000	/* MAPREDUCE_FAULT's K:slow */
#define STOP_GRACE_NS	200000000	/* for the manager to end a stopped
					   run, well within transport.c's
					   FAILURE_GRACE_NS */

/* Shared by the guard and its worker. */
struct shared {
	volatile sig_atomic_t released;	/* set by guard_release() */
	volatile sig_atomic_t survive;	/* set by guard_survive() */
	char running[256];		/* set by guard_running() */
};
static struct shared *shared;

static void	report(int index, pid_t pid, int status, int survive);
static void	abort_run(int pmi_fd) __attribute__((noreturn));
static int	fault_of(int index, char *word, size_t len, long *n);

void
guard_worker(int spawned)
{
	const char *fd, *rank, *size;
	struct timespec stop_grace = { 0, STOP_GRACE_NS }, stagger = { 0, 0 };
	pid_t child, guard = getpid();
	int index, status;

	/*
	 * hydra's PMI-1 socket, which the guard keeps open for the child;
	 * MPI_LOCALNRANKS tells hydra from srun, whose PMI_FD speaks PMI-2.
	 */
	if ((fd = getenv("PMI_FD")) == NULL ||
	    getenv("MPI_LOCALNRANKS") == NULL ||
	    (rank = getenv("PMI_RANK")) == NULL ||
	    (size = getenv("PMI_SIZE")) == NULL)
		return;
	index = atoi(rank) - (spawned ? 0 : 1);
	if (index < 0 || (!spawned && atoi(size) < 2))
		return;
	/*
	 * mpiexec passes SIGINT on to every process: it is the manager's to
	 * answer (transport.h), with its lines and the checkpoint's, not a
	 * worker's to die of, which the run would take for a lost worker.
	 */
	signal(SIGINT, SIG_IGN);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || (child = fork()) == -1) {
		shared = NULL;
		return;				/* work unguarded */
	}
	if (child == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		if (getppid() != guard)		/* the guard died meanwhile */
			_exit(1);
		return;
	}
	/*
	 * mpiexec passes SIGINT and SIGTERM on to every process.  The
	 * manager then ends the run with its own line, but only if hydra
	 * does not see a worker die first: the guard outlives its worker
	 * for a moment (STOP_GRACE_NS, below).  A SIGKILL from hydra's
	 * clean-up reaches both in one call; the worker also goes with us.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);	/* see abort_run() */
	/*
	 * Under -disable-auto-cleanup, hydra tells every process of a node
	 * of a loss with SIGUSR1, which would end the guard.
	 */
	signal(SIGUSR1, SIG_IGN);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	while (waitpid(child, &status, 0) == -1)
		if (errno != EINTR)
			_exit(1);
	if (shared->released)
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT ||
	    WTERMSIG(status) == SIGTERM))
		nanosleep(&stop_grace, NULL);	/* the run ends, or just us */
	/*
	 * The run goes on without us: a plain exit, promptly, which hydra
	 * under -disable-auto-cleanup takes as one process gone.
	 */
	if (shared->survive) {
		report(index, child, status, 1);
		_exit(1);
	}
	/*
	 * A kernel that crashes crashes every worker at once: the first
	 * worker's guard speaks first and ends the run, and the others,
	 * waiting their turn, are taken down before they say the same.
	 */
	stagger.tv_nsec = (index < STAGGER_MAX ? index : STAGGER_MAX) *
	    STAGGER_NS;
	nanosleep(&stagger, NULL);
	report(index, child, status, 0);
	abort_run(atoi(fd));
}

static void
report(int index, pid_t pid, int status, int survive)
{
	char host[HOST_NAME_MAX + 1], how[80];

	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "?");
	host[sizeof(host) - 1] = '\0';
	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(how, sizeof(how), "exited with status %d",
		    WEXITSTATUS(status));
	fprintf(stderr, "mapreduce: worker %d (pid %ld on %s)%s%s %s before"
	    " its work was done; %s\n", index, (long)pid, host,
	    shared->running[0] != '\0' ? " running " : "", shared->running,
	    how, survive ? "its blocks are handed out again" : "run abandoned");
	fflush(stderr);
}

void
guard_release(void)
{
	if (shared != NULL)
		shared->released = 1;
}

void
guard_survive(void)
{
	if (shared != NULL)
		shared->survive = 1;
}

void
guard_running(const char *what)
{
	if (shared != NULL)
		snprintf(shared->running, sizeof(shared->running), "%s", what);
}

/*
 * MPI_Abort in the words of MPICH's PMI-1 wire protocol (simple_pmi.c):
 * hydra ends every process of the run, quietly, and mpiexec exits with the
 * code given.  The short pause lets hydra forward our line first.  A
 * socket the worker closed fails the write (EPIPE), and we just go.
 */
static void
abort_run(int pmi_fd)
{
	static const char cmd[] = "cmd=abort exitcode=1\n";
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	nanosleep(&pause, NULL);
	if (write(pmi_fd, cmd, sizeof(cmd) - 1) == (ssize_t)(sizeof(cmd) - 1))
		sleep(ABORT_GRACE_S);
	_exit(1);
}

void
guard_fault(int index, uint32_t blocks)
{
	char word[8];
	long n;

	if (!fault_of(index, word, sizeof(word), &n) || n != (long)blocks)
		return;
	if (strcmp(word, "exit") == 0)
		_exit(3);
	if (strcmp(word, "abort") == 0)
		abort();
	if (strcmp(word, "kill") == 0)
		raise(SIGKILL);
	if (strcmp(word, "segv") == 0) {
		signal(SIGSEGV, SIG_DFL);	/* a sanitizer's handler */
		raise(SIGSEGV);
	}
	if (strcmp(word, "hang") == 0)
		for (;;)
			pause();
}

void
guard_fault_start(int index)
{
	struct timespec slow = { 0, SLOW_START_NS };
	char word[8];
	long n;

	if (fault_of(index, word, sizeof(word), &n) &&
	    strcmp(word, "slow") == 0)
		nanosleep(&slow, NULL);
}

void
guard_fault_late(int index)
{
	char word[8];
	long n;

	if (fault_of(index, word, sizeof(word), &n) &&
	    strcmp(word, "stall") == 0)
		for (;;)
			pause();
}

/*
 * Worker index's fault in MAPREDUCE_FAULT, a comma-separated list of
 * K:HOW[@N]: HOW into word (cut to len - 1 bytes) and N into *n (1
 * without @N).  Returns 0 when the list names no fault for index.
 */
static int
fault_of(int index, char *word, size_t len, long *n)
{
	const char *spec, *how;
	char *end;
	size_t l;

	if ((spec = getenv("MAPREDUCE_FAULT")) == NULL)
		return 0;
	for (;;) {
		if (strtol(spec, &end, 10) == index && end != spec &&
		    *end == ':') {
			how = end + 1;
			l = strcspn(how, "@,");
			snprintf(word, len, "%.*s", (int)l, how);
			*n = how[l] == '@' ? strtol(how + l + 1, NULL, 10) : 1;
			return 1;
		}
		spec += strcspn(spec, ",");
		if (*spec++ == '\0')
			return 0;
	}
}
