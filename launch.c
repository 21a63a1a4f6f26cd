/* launch.c - how the manager is started and how it finds its worker */

#ifdef __linux__
#include <sys/prctl.h>
#endif
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
#include "output.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR	"/usr/local/libexec/mapreduce"
#endif
#ifndef MPIEXEC
#define MPIEXEC		"mpiexec"
#endif
#define PROBE_TIMEOUT_MS	5000	/* a worker answers in milliseconds */
#define REEXEC_MARK	"MAPREDUCE_REEXEC"	/* set for the second start */
#define TTY_MARK	"MAPREDUCE_TTY"	/* the user's stderr is a tty */
#define ARGS_FILE	"MAPREDUCE_ARGS_FILE"	/* many arguments */
#define ARGS_MAX	256	/* arguments beyond go through ARGS_FILE */
#define STOP_GRACE_S	10	/* then SIGKILL, after a signal */
#define SWEEP_ROUNDS	100	/* of 10 ms: orphans come up to us */
#define TICK_NS		100000000	/* the parent's poll: 100 ms */
#define SURVIVE_DEPTH	8	/* mpiexec is at most that far up */
#define LATE_MAX	65536	/* stderr kept after a signal */
#define CHECKPOINT_LINE	"mapreduce: checkpoint "	/* passed even then */

extern char **environ;

/* mpiexec's stdout, as the supervising parent collects it. */
struct capture {
	char *buf;		/* malloc(3)ed, NUL-terminated, or NULL */
	size_t len, cap;
};

static int	self_path(char *buf, size_t len);
static char	*executable(const char *path, const char *origin);
static const char *probe(const char *path);
static int	read_answer(int fd, char *buf, size_t len);
static int	reap(pid_t pid, int *status);
static int	started_by_process_manager(void);
#ifndef OPEN_MPI
static ssize_t	read_file(const char *path, char *buf, size_t len);
static int	is_mpiexec(const char *cmdline);
static int	has_dac(const char *cmdline, size_t len);
static pid_t	parent_of(pid_t pid);
#endif
#ifndef OPEN_MPI
static int	pmi_spent(void);
#endif
#ifndef OPEN_MPI
static int	slurm_one_node(int workers);
#endif
static void	print_quoted(const char *arg);
static void	free_arguments(void);
static void	pass_arguments(int argc, char **args, int n);
static void	supervise(char **args, const char *token)
		    __attribute__((noreturn));
static void	print_command(char **args);
static void	on_stop(int sig);
static void	exec_mpiexec(char **args, const sigset_t *mask,
		    const sigset_t *def, int out, int errfd, int report)
		    __attribute__((noreturn));
static pid_t	spawn_mpiexec(char **args, const sigset_t *mask,
		    const sigset_t *def, int *out, int *errfd);
static void	stop(pid_t pid, struct pollfd *out, struct capture *c,
		    const char *token);
static int	reap_children(pid_t pid, int *status);
static void	sweep(const char *token);
static int	of_the_run(long pid, const char *token);
static int	collect(pid_t pid, int outfd, int errfd, const sigset_t *mask,
		    struct capture *c, const char *token);
static void	take(struct pollfd *p, struct capture *c);
static void	finish(const char *mpiexec, const char *token, int status,
		    const struct capture *c) __attribute__((noreturn));
static const char *find_line(const struct capture *c, const char *token);
static const char *find_prefix(const struct capture *c, const char *prefix);
static int	write_all(int fd, const char *buf, size_t len);

/* The first signal that stops a supervised run (see supervise()). */
static volatile sig_atomic_t stop_signal;
/* mpiexec's stderr once a signal stopped the run. */
static char	late_buf[LATE_MAX + 1];
static size_t	late_len;
/* Bytes of mpiexec's stderr passed on to ours. */
static size_t	stderr_bytes;
/* The arguments' file (see pass_arguments()), and where they were cut. */
static char	args_file[PATH_MAX];
static int	cut_at;
/* The arguments read from ARGS_FILE: argv for the rest of the run. */
static char	*arg_buf, **arg_list;

/*
 * A stray PMI_SIZE in the environment, without a process manager, must
 * not make a plain start take itself for one of several.
 */
int
launch_world_size(void)
{
	const char *n;

	if (!started_by_process_manager())
		return 1;
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

	if (!started_by_process_manager())
		return 0;
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
	snprintf(want, sizeof(want), MR_PROBE_ANSWER, MR_PROTOCOL_VERSION);
	/* What is no worker may go on after its answer, or its EOF. */
	if (got == -1 || strcmp(answer, want) != 0)
		kill(-pid, SIGKILL);
	if (reap(pid, &status) == -1 || got == -1)
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

/*
 * Wait for the probe to exit, PROBE_TIMEOUT_MS at most, then kill its
 * process group; -1 if it had to be killed.
 */
static int
reap(pid_t pid, int *status)
{
	struct timespec tick = { 0, 10000000 };		/* 10 ms */
	int ms;

	for (ms = 0; ms < PROBE_TIMEOUT_MS; ms += 10) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
	return -1;
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

#ifndef OPEN_MPI
/*
 * A PMI connection serves one process: a second mapreduce under the same
 * mpiexec (mpiexec -n 1 sh -c 'mapreduce; mapreduce') finds it hung up,
 * and MPI_Init would die of SIGPIPE on it, without a word.
 */
static int
pmi_spent(void)
{
	struct pollfd pfd = { -1, POLLOUT | POLLRDHUP, 0 };
	const char *fd;

	if ((fd = getenv("PMI_FD")) == NULL)
		return 0;
	pfd.fd = atoi(fd);
	return poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL));
}
#endif

/*
 * hydra tells its processes nothing of -disable-auto-cleanup (-dac), but
 * the mpiexec that was given it is an ancestor of the manager on the
 * node where it runs: its command line says.
 */
int
launch_survivable(void)
{
#ifdef OPEN_MPI
	return 0;
#else
	char path[64], buf[8192];
	pid_t pid = getppid();
	int depth;

	if (getenv("PMI_FD") == NULL || getenv("MPI_LOCALNRANKS") == NULL)
		return 0;			/* not hydra's */
	for (depth = 0; depth < SURVIVE_DEPTH && pid > 1; depth++) {
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
		if (read_file(path, buf, sizeof(buf)) > 0 && is_mpiexec(buf))
			return has_dac(buf, sizeof(buf));
		if ((pid = parent_of(pid)) == -1)
			break;
	}
	return 0;
#endif
}

#ifndef OPEN_MPI
/* The first bytes of a file, '\0'-padded; how many were read, or -1. */
static ssize_t
read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	memset(buf, 0, len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 2);
	close(fd);
	return n;
}

/* argv[0] of a command line (NUL-separated) names hydra's mpiexec. */
static int
is_mpiexec(const char *cmdline)
{
	const char *base = strrchr(cmdline, '/');

	base = base != NULL ? base + 1 : cmdline;
	return strncmp(base, "mpiexec", 7) == 0 ||
	    strncmp(base, "mpirun", 6) == 0;
}

/* Its options, before the first program, include -dac. */
static int
has_dac(const char *cmdline, size_t len)
{
	const char *a;

	for (a = cmdline; a < cmdline + len && *a != '\0';
	    a += strlen(a) + 1)
		if (strcmp(a, "-disable-auto-cleanup") == 0 ||
		    strcmp(a, "--disable-auto-cleanup") == 0 ||
		    strcmp(a, "-dac") == 0 || strcmp(a, "--dac") == 0)
			return 1;
	return 0;
}

/* The parent of pid, from /proc/PID/stat, or -1. */
static pid_t
parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	long ppid;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (read_file(path, buf, sizeof(buf)) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}
#endif

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
 * that an mpiexec whose variables we do not know cannot make us loop; its
 * value is the line with which the manager says that it runs (see
 * supervise()).
 */
void
launch_under_process_manager(int argc, char *argv[], int workers)
{
	const char *mpiexec;
	char **args, self[PATH_MAX], token[64];
	int n = 0, k;
	char usize[32];
	long cpus;

	if (started_by_process_manager()) {
#ifndef OPEN_MPI
		if (pmi_spent())
			errx(1, "an earlier MPI program under this mpiexec has"
			    " used its connection to the process manager:"
			    " start each mapreduce under an mpiexec of its"
			    " own, or without one");
#endif
		return;
	}
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
	/* The run survives a lost worker: see launch_survivable(). */
	args[n++] = (char *)"-disable-auto-cleanup";
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
		args[n + k - 1] = argv[k];
	snprintf(token, sizeof(token), "mapreduce-started-%ld-%ld",
	    (long)getpid(), (long)time(NULL));
	setenv(REEXEC_MARK, token, 1);
	if (isatty(STDERR_FILENO))
		setenv(TTY_MARK, "1", 1);
	else
		unsetenv(TTY_MARK);
	pass_arguments(argc, args, n);
	supervise(args, token);
}

/*
 * MPICH 4.0.2's mpiexec crashes (SIGSEGV) when given about 1000
 * arguments.  Beyond ARGS_MAX, ours go to the manager in a file instead,
 * NUL-separated, which the manager reads and removes
 * (launch_read_arguments()); args[n] on is cut from mpiexec's command.
 */
static void
pass_arguments(int argc, char **args, int n)
{
	const char *tmp;
	size_t len;
	int fd, k;

	unsetenv(ARGS_FILE);
	if (argc - 1 <= ARGS_MAX)
		return;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(args_file, sizeof(args_file), "%s/mapreduce-args.XXXXXX",
	    tmp);
	if ((fd = mkstemp(args_file)) == -1)
		err(1, "%s", args_file);
	for (k = n; k < n + argc - 1; k++) {
		len = strlen(args[k]) + 1;
		if (write(fd, args[k], len) != (ssize_t)len) {
			unlink(args_file);
			err(1, "%s", args_file);
		}
	}
	close(fd);
	setenv(ARGS_FILE, args_file, 1);
	cut_at = n;
}

static void
free_arguments(void)
{
	free(arg_list);
	free(arg_buf);
}

void
launch_read_arguments(int *argc, char ***argv)
{
	char *buf = NULL, **args, *grown;
	const char *path;
	size_t len = 0, cap = 0, i;
	ssize_t got;
	int fd, n = 1;

	if ((path = getenv(ARGS_FILE)) == NULL || getenv(REEXEC_MARK) == NULL
	    || !started_by_process_manager())
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s", path);
	for (;;) {
		if (len == cap) {
			cap = cap * 2 + 4096;
			if ((grown = realloc(buf, cap)) == NULL)
				err(1, NULL);
			buf = grown;
		}
		if ((got = read(fd, buf + len, cap - len)) <= 0)
			break;
		len += (size_t)got;
	}
	if (got == -1)
		err(1, "%s", path);
	close(fd);
	unlink(path);
	for (i = 0; i < len; i++)
		n += buf[i] == '\0';
	if ((args = calloc((size_t)n + 1, sizeof(*args))) == NULL)
		err(1, NULL);
	args[0] = (*argv)[0];
	for (i = 0, n = 1; i < len; i += strlen(buf + i) + 1)
		args[n++] = buf + i;
	*argc = n;
	*argv = args;
	arg_buf = buf;
	arg_list = args;
	atexit(free_arguments);
}

/*
 * The parent of a plain start stays, to be a good citizen in a shell
 * script.  mpiexec (hydra) would read our stdin, write traces of its own
 * on stdout and stderr, and take a failed write of the result, a second
 * SIGINT or a closed stderr as reasons for a page of trace.  So mpiexec
 * gets /dev/null as stdin and two pipes, and a process group of its own,
 * so that a signal to ours (a terminal's ^C, timeout(1)) reaches it once,
 * from us.  The manager first prints token, a line, so that we know that
 * it runs; what follows is the result, which we print only when the run
 * succeeded, and ourselves, so that a write error is ours to report.
 * stderr passes through as it comes, until a signal stops the run.
 */
static void
supervise(char **args, const char *token)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct capture out = { NULL, 0, 0 };
	struct sigaction sa, was;
	sigset_t block, old;
	pid_t pid;
	int outfd, errfd;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* Ignored, as nohup or sh's & leave them: so be it. */
		if (sigaction(sigs[i], NULL, &was) == 0 &&
		    was.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &old);
	output_release_stdout();	/* for the result alone */
#ifdef __linux__
	prctl(PR_SET_CHILD_SUBREAPER, 1);	/* for sweep() */
#endif
	if ((pid = spawn_mpiexec(args, &old, &block, &outfd, &errfd)) == -1) {
		if (args_file[0] != '\0')
			unlink(args_file);
		fprintf(stderr, "mapreduce: not started by mpiexec, and cannot"
		    " run '%s': %s; run:", args[0], strerror(errno));
		print_command(args);
		exit(1);
	}
	finish(args[0], token, collect(pid, outfd, errfd, &old, &out, token),
	    &out);
}

/* " mpiexec ARGS...\n" on stderr, as a shell reads it back. */
static void
print_command(char **args)
{
	int k;

	fprintf(stderr, " mpiexec");	/* whichever the user's MPI has */
	for (k = 1; args[k] != NULL; k++) {
		fputc(' ', stderr);
		print_quoted(args[k]);
	}
	fputc('\n', stderr);
}

static void
on_stop(int sig)
{
	if (stop_signal == 0)
		stop_signal = sig;
}

/*
 * mpiexec with stdin on /dev/null, stdout and stderr on pipes (*out and
 * *errfd), in a process group of its own, with signal mask mask and the
 * signals of def at their default; its pid, or -1 with errno set.  Without
 * the arguments from cut_at on when they go through a file.
 */
static pid_t
spawn_mpiexec(char **args, const sigset_t *mask, const sigset_t *def,
    int *out, int *errfd)
{
	char *cut = NULL;
	int o[2], e[2], x[2], rc = 0;
	pid_t pid;

	if (pipe2(o, O_CLOEXEC) == -1 || pipe2(e, O_CLOEXEC) == -1 ||
	    pipe2(x, O_CLOEXEC) == -1)
		err(1, "pipe");
	if (cut_at > 0) {
		cut = args[cut_at];
		args[cut_at] = NULL;
	}
	if ((pid = fork()) == 0)
		exec_mpiexec(args, mask, def, o[1], e[1], x[1]);
	if (pid > 0)		/* as the child does: the group is there for */
		setpgid(pid, pid);	/* stop() when we return */
	if (cut_at > 0)
		args[cut_at] = cut;
	close(o[1]);
	close(e[1]);
	close(x[1]);
	/* exec_mpiexec() writes errno here when the exec fails */
	if (pid == -1)
		rc = errno;
	else if (read(x[0], &rc, sizeof(rc)) == (ssize_t)sizeof(rc))
		reap(pid, NULL);
	else
		rc = 0;
	close(x[0]);
	if (rc != 0) {
		close(o[0]);
		close(e[0]);
		errno = rc;
		return -1;
	}
	*out = o[0];
	*errfd = e[0];
	return pid;
}

/*
 * The child of spawn_mpiexec(): /dev/null as stdin, the pipes as stdout
 * and stderr, a process group of its own, and SIGINT when we die (kill -9
 * of the first start), which hydra passes on to the manager: the run then
 * ends as after a ^C, and lets go of its checkpoint.
 */
static void
exec_mpiexec(char **args, const sigset_t *mask, const sigset_t *def,
    int out, int errfd, int report)
{
	int fd, sig;

	setpgid(0, 0);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGINT);
#endif
	/*
	 * A signal to our group (timeout(1) sends one) that came between the
	 * fork and setpgid() is pending here, blocked: it is ours to answer,
	 * and ignoring it drops it before it could kill mpiexec unstarted.
	 */
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(def, sig) == 1) {
			signal(sig, SIG_IGN);
			signal(sig, SIG_DFL);
		}
	sigprocmask(SIG_SETMASK, mask, NULL);
	if ((fd = open("/dev/null", O_RDONLY)) != -1 && fd != STDIN_FILENO) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	dup2(out, STDOUT_FILENO);
	dup2(errfd, STDERR_FILENO);
	execvp(args[0], args);
	(void)!write(report, &errno, sizeof(errno));
	_exit(127);
}

/*
 * Until mpiexec has exited and its pipes are drained: its stdout into c,
 * its stderr to ours (once a signal stops the run, only the checkpoint's
 * line, in finish()).  The first SIGINT, SIGTERM, SIGHUP or SIGUSR1 goes
 * on to mpiexec as SIGINT, once: hydra passes SIGINT on to the manager,
 * which then has the time to say how much its checkpoint keeps, where
 * SIGTERM makes hydra kill the run at once; and it takes a second SIGINT
 * as an order to abort by force, with a page of trace.  We exit with the
 * signal we got.  Whatever of the run outlives mpiexec is killed.  Returns
 * mpiexec's wait status.
 */
static int
collect(pid_t pid, int outfd, int errfd, const sigset_t *mask,
    struct capture *c, const char *token)
{
	struct timespec tick = { 0, TICK_NS }, zero = { 0, 0 };
	struct pollfd pfd[2] = { { outfd, POLLIN, 0 }, { errfd, POLLIN, 0 } };
	time_t stopped = 0;
	int status = 0, exited = 0, n;

	for (;;) {
		n = ppoll(pfd, 2, exited ? &zero : &tick, mask);
		if (n == -1 && errno != EINTR)
			err(1, "ppoll");
		if (stop_signal != 0 && stopped == 0) {
			stop(pid, &pfd[0], c, token);
			stopped = time(NULL);
		} else if (stopped != 0 && time(NULL) - stopped > STOP_GRACE_S)
			kill(-pid, SIGKILL);
		if (n > 0) {
			take(&pfd[0], c);
			take(&pfd[1], NULL);
		}
		if ((pfd[0].fd == -1 && pfd[1].fd == -1) || (exited && n == 0))
			break;
		if (!exited)
			exited = reap_children(pid, &status);
	}
	while (!exited && waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* After a run that ended well, what is left is the user's to keep. */
	if (stop_signal != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    find_line(c, token) == NULL)
		sweep(token);
	if (pfd[0].fd != -1)
		close(pfd[0].fd);
	if (pfd[1].fd != -1)
		close(pfd[1].fd);
	return status;
}

/*
 * Reap every child that has ended: mpiexec, and, as we are the subreaper
 * of the run, any orphan of it (a user's function that leaves a process
 * behind, for each element).  1 when mpiexec was one of them, its wait
 * status in *status.
 */
static int
reap_children(pid_t pid, int *status)
{
	pid_t w;
	int st, reaped = 0;

	while ((w = waitpid(-1, &st, WNOHANG)) > 0)
		if (w == pid) {
			*status = st;
			reaped = 1;
		}
	return reaped;
}

/*
 * Stop the run: SIGINT to mpiexec, once the manager has said that it runs
 * (token); before, there is nothing to say or keep, and hydra, still
 * starting, loses a SIGINT or leaves its proxies behind: SIGKILL.
 */
static void
stop(pid_t pid, struct pollfd *out, struct capture *c, const char *token)
{
	if (poll(out, 1, 0) > 0)
		take(out, c);
#ifndef OPEN_MPI
	if (find_line(c, token) == NULL) {
		if (kill(-pid, SIGKILL) == -1)
			kill(pid, SIGKILL);
		return;
	}
#endif
	kill(pid, SIGINT);
}

/*
 * Kill what is left of the run below us once mpiexec is gone: hydra's
 * proxies put themselves in sessions of their own, and as the subreaper
 * of the run we are the parent of any that mpiexec left, and in turn of
 * what each leaves.  Only the run's: a child that was ours before (a job
 * script's `exec > >(tee log)`) stays.
 */
static void
sweep(const char *token)
{
#ifdef __linux__
	struct timespec tick = { 0, 10000000 };		/* 10 ms */
	char path[64], buf[4096], *p, *end;
	ssize_t n;
	long child;
	int round, fd, killed;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
	    (long)getpid());
	for (round = 0; round < SWEEP_ROUNDS; round++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return;		/* no way to know */
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		/* each pid is followed by a blank: one cut short is not */
		for (killed = 0, p = buf; (child = strtol(p, &end, 10)) > 0 &&
		    *end == ' '; p = end)
			if (of_the_run(child, token) && kill((pid_t)child,
			    SIGKILL) == 0)
				killed++;
		if (killed == 0)
			return;
		nanosleep(&tick, NULL);
	}
#else
	(void)token;
#endif
}

/* Whether process pid has our REEXEC_MARK=token in its environment. */
static int
of_the_run(long pid, const char *token)
{
	char path[64], mark[128], *buf = NULL, *grown;
	size_t len = 0, cap = 0;
	ssize_t n = 0;
	int fd, found;

	snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
	snprintf(mark, sizeof(mark), "%s=%s", REEXEC_MARK, token);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	do {
		if (len == cap) {
			if ((grown = realloc(buf, cap * 2 + 4096)) == NULL)
				break;
			buf = grown;
			cap = cap * 2 + 4096;
		}
		if ((n = read(fd, buf + len, cap - len)) > 0)
			len += (size_t)n;
	} while (n > 0);
	close(fd);
	found = buf != NULL && memmem(buf, len, mark, strlen(mark)) != NULL;
	free(buf);
	return found;
}

/*
 * Read what p's pipe holds: into c, or with c NULL to our stderr (unless a
 * signal stopped the run).  At its end, p->fd becomes -1.
 */
static void
take(struct pollfd *p, struct capture *c)
{
	char buf[4096], *grown;
	ssize_t n;

	if (p->fd == -1 || !(p->revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	if ((n = read(p->fd, buf, sizeof(buf))) == -1 && errno == EINTR)
		return;
	if (n <= 0) {
		close(p->fd);
		p->fd = -1;
		return;
	}
	if (c == NULL && stop_signal == 0) {
		if (write_all(STDERR_FILENO, buf, (size_t)n) == 0)
			stderr_bytes += (size_t)n;
		return;
	}
	if (c == NULL) {	/* kept for the checkpoint's line: finish() */
		if ((size_t)n > LATE_MAX - late_len)
			n = (ssize_t)(LATE_MAX - late_len);
		memcpy(late_buf + late_len, buf, (size_t)n);
		late_len += (size_t)n;
		return;
	}
	if (c->buf == NULL || c->len + (size_t)n + 1 > c->cap) {
		c->cap = (c->len + (size_t)n) * 2 + 1;
		if ((grown = realloc(c->buf, c->cap)) == NULL)
			err(1, NULL);
		c->buf = grown;
	}
	memcpy(c->buf + c->len, buf, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
}

/*
 * The run is over: say why it stopped, or print the result, or pass on the
 * manager's failure, whose line is already said.  Exit 0 only when the
 * result is written.
 */
static void
finish(const char *mpiexec, const char *token, int status,
    const struct capture *c)
{
	struct capture late = { NULL, 0, 0 };
	const char *result;
	char how[64];

	if (args_file[0] != '\0')
		unlink(args_file);
	/*
	 * A signal to mpiexec itself: the manager's line may be lost as
	 * hydra tears the run down (1 run in 3 or so).
	 */
	if (stop_signal == 0 && stderr_bytes == 0 && WIFEXITED(status) &&
	    (WEXITSTATUS(status) == 128 + SIGINT ||
	    WEXITSTATUS(status) == 128 + SIGTERM))
		stop_signal = WEXITSTATUS(status) - 128;
	if (stop_signal != 0) {
		if (isatty(STDERR_FILENO))
			fputs("\r\033[K", stderr);	/* a progress line */
		warnx("%s", stop_signal == SIGINT ? "interrupted (SIGINT)" :
		    stop_signal == SIGTERM ? "terminated (SIGTERM)" :
		    stop_signal == SIGUSR1 ? "stopped (SIGUSR1)" :
		    "hung up (SIGHUP)");
		late.buf = late_buf;
		late.len = late_len;
		if ((result = find_prefix(&late, CHECKPOINT_LINE)) != NULL)
			fprintf(stderr, "%s%.*s\n", CHECKPOINT_LINE,
			    (int)strcspn(result, "\n"), result);
		/*
		 * Nothing is left to flush or free: _exit, where the exit
		 * handlers of a sanitizer's build hung now and then (1 run in
		 * 200 or so: LeakSanitizer's tracer, after a stopped run).
		 */
		fflush(stderr);
		_exit(128 + stop_signal);
	}
	if ((result = find_line(c, token)) == NULL) {
		if (WIFEXITED(status))
			snprintf(how, sizeof(how), "exited with status %d",
			    WEXITSTATUS(status));
		else
			snprintf(how, sizeof(how), "was killed by signal %d",
			    WTERMSIG(status));
		errx(1, "'%s' %s without starting mapreduce", mpiexec, how);
	}
	if (!WIFEXITED(status))
		errx(128 + WTERMSIG(status), "'%s' was killed by signal %d (%s)",
		    mpiexec, WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (WEXITSTATUS(status) != 0)
		exit(WEXITSTATUS(status));
	if (*result == '\0')	/* as after MPI_Abort(comm, 0) */
		errx(1, "the run ended with status 0 but without a result"
		    " (MPI_Abort with code 0?)");
	if (write_all(STDOUT_FILENO, result, c->len - (size_t)(result -
	    c->buf)) == -1)
		err(1, "stdout");
	exit(0);
}

/* What follows the line "token" in c, or NULL when it is not there. */
/* What follows prefix at the start of a line of c, or NULL. */
static const char *
find_prefix(const struct capture *c, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *p = c->buf;

	if (p == NULL)
		return NULL;
	while ((p = memmem(p, c->len - (size_t)(p - c->buf), prefix, len))
	    != NULL) {
		if (p == c->buf || p[-1] == '\n')
			return p + len;
		p += len;
	}
	return NULL;
}

static const char *
find_line(const struct capture *c, const char *token)
{
	size_t len = strlen(token);
	const char *p;

	if (c == NULL || (p = c->buf) == NULL)
		return NULL;
	while ((p = memmem(p, c->len - (size_t)(p - c->buf), token, len))
	    != NULL) {
		if ((p == c->buf || p[-1] == '\n') && p[len] == '\n')
			return p + len + 1;
		p += len;
	}
	return NULL;
}

/* write(2) all of buf, through short writes; -1 with errno on failure. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

void
launch_announce(void)
{
	const char *token;

	if ((token = getenv(REEXEC_MARK)) != NULL &&
	    started_by_process_manager() && launch_world_size() == 1)
		dprintf(STDOUT_FILENO, "%s\n", token);
}

int
launch_stderr_is_tty(void)
{
	const char *tty;

	if (isatty(STDERR_FILENO))
		return 1;
	return getenv(REEXEC_MARK) != NULL && (tty = getenv(TTY_MARK)) !=
	    NULL && strcmp(tty, "1") == 0;
}

void
launch_reopen_std(void)
{
	int fd;

	/*
	 * A closed stdout becomes /dev/null for reading, so that the result's
	 * write still fails (EBADF), as it would have.
	 */
	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) == -1 && open("/dev/null",
		    fd == STDERR_FILENO ? O_WRONLY : O_RDONLY) != fd)
			_exit(1);
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
