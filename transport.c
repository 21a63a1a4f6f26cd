/* transport.c - both ends of the manager/worker protocol of common.h */

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"

#define WAIT_MIN_NS	1000		/* first sleep between two tests: 1 us */
#define WAIT_MAX_NS	1000000		/* longest sleep: 1 ms of latency at most */
#define FAILURE_GRACE_NS 500000000	/* see transport_check() */
#define ABORT_PAUSE_NS	100000000	/* see abort_quietly() */
#define TIMER_SLACK_NS	1000UL		/* see die_with_parent() */
#define SETTLE_STEP_NS	10000000	/* see transport_settle(): */
#define SETTLE_STEPS	500		/* 5 s at most */

static void	wait_sleeping(MPI_Request *req, const char *what);
static void	wait_status(MPI_Request *req, MPI_Status *st, const char *what);
static int	wait_rc(MPI_Request *req, MPI_Status *st);
static int	send_watched(MPI_Comm inter, int worker, int tag,
		    const void *buf, size_t len, MPI_Request *sentinel);
static int	wait_watched(MPI_Request *req, MPI_Request *sentinel);
static void	recv_task_part(MPI_Comm inter, void *buf, size_t len,
		    const char *what);
static int	all_null(int n, const MPI_Request *reqs);
static void	back_off(long *ns);
static void	die_with_parent(void);
static void	abort_quietly(int code, int pause) __attribute__((noreturn));
static void	on_signal(int sig);
static void	abort_early(int code) __attribute__((noreturn));

/* transport_on_stop()'s function. */
static void	(*stop_fn)(int);
/* transport_on_wait()'s function and its argument. */
static void	(*wait_fn)(void *);
static void	*wait_arg;

/* The line on_signal() prints for SIGALRM, made in advance. */
static char	timeout_msg[80];
/* hydra's PMI-1 socket (PMI_FD), or -1: see abort_early(). */
static int	pmi_fd = -1;
/* A request was left unfinished: see transport_disconnect(). */
static int	abandoned;
/* The copies that sends given up were sending (send_watched()). */
struct kept {
	struct kept *next;
	unsigned char data[];
};
static struct kept *kept;
/* A worker's receive of the manager's stop. */
static MPI_Request stop_req = MPI_REQUEST_NULL;
static struct mr_stop stop_word;

/*
 * When a worker dies, the manager and the other workers see their
 * collectives fail; the dead worker's guard (guard.c) has the real story
 * and ends the run within milliseconds.  So a failed MPI call holds its
 * line back for a moment, and is usually taken down before it says
 * anything less precise.
 */
void
transport_check(int rc, const char *what)
{
	struct timespec grace = { 0, FAILURE_GRACE_NS };

	if (rc == MPI_SUCCESS)
		return;
	nanosleep(&grace, NULL);
	transport_fail("%s: %s", what, transport_strerror(rc));
}

void
transport_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	abort_quietly(1, 1);
}

void
transport_abort(int code)
{
	abort_quietly(code, 1);
}

void
transport_arm(unsigned seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	snprintf(timeout_msg, sizeof(timeout_msg),
	    "mapreduce: timed out: --timeout %u expired\n", seconds);
	if (getenv("PMI_FD") != NULL && getenv("MPI_LOCALNRANKS") != NULL)
		pmi_fd = atoi(getenv("PMI_FD"));
	alarm(seconds);
	die_with_parent();
}

void
transport_on_stop(void (*fn)(int))
{
	stop_fn = fn;
}

void
transport_disarm(void)
{
	alarm(0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

/*
 * In a signal handler, but the process is only ever interrupted in its own
 * loops or inside MPI, single-threaded: MPI_Abort is the one way to take
 * down the workers too (a manager that merely exits leaves them running).
 */
static void
on_signal(int sig)
{
	const char *msg = sig == SIGALRM ? timeout_msg : sig == SIGINT ?
	    "mapreduce: interrupted (SIGINT)\n" : sig == SIGHUP ?
	    "mapreduce: hung up (SIGHUP)\n" :
	    "mapreduce: terminated (SIGTERM)\n";

	(void)!write(STDERR_FILENO, msg, strlen(msg));
	if (stop_fn != NULL)
		stop_fn(sig);
	if (sig == SIGALRM)
		abort_quietly(TRANSPORT_EXIT_TIMEOUT, 1);
	abort_quietly(128 + sig, sig == SIGINT);
}

/*
 * MPI_Abort prints a line of its own ("application called MPI_Abort...")
 * after ours; it says nothing more, so stderr goes to /dev/null first.
 * A pause gives hydra time to forward our line: without it, 1 run in 6
 * lost it, as mpiexec exited first.  Not after SIGTERM or SIGHUP, which
 * hydra may also send to the workers: the abort must come before hydra
 * sees them die, or it prints a page of its own.  SIGINT, which hydra
 * passes on to every process, workers ignore (guard.c): it gets the pause.
 */
static void
abort_quietly(int code, int pause)
{
	struct timespec ts = { 0, ABORT_PAUSE_NS };
	int fd, up = 0;

	if (pause)
		nanosleep(&ts, NULL);
	if ((fd = open("/dev/null", O_WRONLY)) != -1)
		dup2(fd, STDERR_FILENO);
	if (MPI_Initialized(&up) != MPI_SUCCESS || !up)
		abort_early(code);
	MPI_Abort(MPI_COMM_WORLD, code);
	_exit(code);	/* MPI_Abort should not return; be sure */
}

/*
 * Before MPI_Init has returned, MPI_Abort is not to be called: ask hydra
 * to end the run, in the words of MPICH's PMI-1 wire protocol, as the
 * guard does (guard.c).  Elsewhere, just go.
 */
static void
abort_early(int code)
{
	char cmd[32] = "cmd=abort exitcode=";
	size_t n = strlen(cmd);

	if (pmi_fd != -1) {
		if (code >= 100)
			cmd[n++] = (char)('0' + code / 100);
		if (code >= 10)
			cmd[n++] = (char)('0' + code / 10 % 10);
		cmd[n++] = (char)('0' + code % 10);
		cmd[n++] = '\n';
		if (write(pmi_fd, cmd, n) == (ssize_t)n)
			sleep(10);	/* hydra ends us first */
	}
	_exit(code);
}

/*
 * The process manager's proxy is our parent: go when it goes.  And sleep
 * as briefly as asked: Linux adds 50 us to every sleep by default, more
 * than a dynamic block's round trip.
 */
static void
die_with_parent(void)
{
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_TIMERSLACK, TIMER_SLACK_NS);
#endif
}

const char *
transport_strerror(int rc)
{
	static char msg[MPI_MAX_ERROR_STRING];
	int cls, len;

	if (MPI_Error_class(rc, &cls) != MPI_SUCCESS ||
	    MPI_Error_string(cls, msg, &len) != MPI_SUCCESS)
		strcpy(msg, "unknown MPI error");
#ifdef MPIX_ERR_PROC_FAILED
	if (cls == MPIX_ERR_PROC_FAILED)	/* its string is "Unknown..." */
		strcpy(msg, "a process of the run failed");
#endif
	msg[strcspn(msg, "\n")] = '\0';
	return msg;
}

int
transport_lost(int rc)
{
#ifdef MPIX_ERR_PROC_FAILED
	int cls;

	return MPI_Error_class(rc, &cls) == MPI_SUCCESS &&
	    cls == MPIX_ERR_PROC_FAILED;
#else
	(void)rc;
	return 0;
#endif
}

int
transport_universe_workers(void)
{
	int *usize, flag, size;

	transport_check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
	transport_check(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE,
	    &usize, &flag), "MPI_Comm_get_attr");
	if (!flag || *usize <= size)
		return 0;
	return *usize - size;
}

int
transport_spawn(const char *worker, int nworkers, MPI_Comm *inter)
{
	char *args[] = { (char *)MR_SPAWNED_OPTION, NULL };
	int *errcodes, rc, k;

	if ((errcodes = calloc((size_t)nworkers, sizeof(*errcodes))) == NULL)
		transport_fail("out of memory");
	MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
	rc = MPI_Comm_spawn(worker, args, nworkers, MPI_INFO_NULL, 0,
	    MPI_COMM_SELF, inter, errcodes);
	for (k = 0; rc == MPI_SUCCESS && k < nworkers; k++)
		rc = errcodes[k];
	free(errcodes);
	if (rc == MPI_SUCCESS)
		MPI_Comm_set_errhandler(*inter, MPI_ERRORS_RETURN);
	return rc;
}

MPI_Comm
transport_parent(void)
{
	MPI_Comm parent;
	int inter;

	transport_check(MPI_Comm_get_parent(&parent), "MPI_Comm_get_parent");
	if (parent == MPI_COMM_NULL)
		return parent;
	die_with_parent();
	MPI_Comm_set_errhandler(parent, MPI_ERRORS_RETURN);
	transport_check(MPI_Comm_test_inter(parent, &inter),
	    "MPI_Comm_test_inter");
	if (!inter)
		transport_fail("the parent communicator is not an"
		    " intercommunicator");
	return parent;
}

MPI_Comm
transport_static(int is_manager)
{
	MPI_Comm local, inter;
	int size;

	transport_check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
	if (size == 1)
		return MPI_COMM_NULL;
	transport_check(MPI_Comm_split(MPI_COMM_WORLD, is_manager ? 0 : 1, 0,
	    &local), "MPI_Comm_split");
	/* The remote leader, in MPI_COMM_WORLD: rank 1 for the manager. */
	transport_check(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD,
	    is_manager ? 1 : 0, MR_TAG_STATIC, &inter), "MPI_Intercomm_create");
	MPI_Comm_free(&local);
	MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN);
	die_with_parent();
	return inter;
}

int
transport_send_task(MPI_Comm inter, int worker, const struct mr_task *t,
    const struct mr_range *ranges, const char *kernel, MPI_Request *sentinel)
{
	int rc;

	if ((rc = send_watched(inter, worker, MR_TAG_TASK, t, sizeof(*t),
	    sentinel)) != MPI_SUCCESS ||
	    (rc = send_watched(inter, worker, MR_TAG_TASK, ranges,
	    t->arity * sizeof(*ranges), sentinel)) != MPI_SUCCESS ||
	    t->kernel_len == 0)
		return rc;
	return send_watched(inter, worker, MR_TAG_TASK, kernel, t->kernel_len,
	    sentinel);
}

void
transport_recv_task(MPI_Comm inter, struct mr_task *t,
    struct mr_range **ranges, char **kernel)
{
	MPI_Request req;

	recv_task_part(inter, t, sizeof(*t), "task");
	if ((*ranges = calloc(t->arity, sizeof(**ranges))) == NULL ||
	    (*kernel = malloc(t->kernel_len + 1)) == NULL)
		transport_fail("out of memory");
	recv_task_part(inter, *ranges, t->arity * sizeof(**ranges), "ranges");
	(*kernel)[t->kernel_len] = '\0';
	if (t->kernel_len > 0)
		recv_task_part(inter, *kernel, t->kernel_len, "kernel");
	transport_check(MPI_Isend(NULL, 0, MPI_BYTE, 0, MR_TAG_TASK, inter,
	    &req), "MPI_Isend task taken");
	wait_sleeping(&req, "MPI_Isend task taken");
}

int
transport_task_taken(MPI_Comm inter, int worker, MPI_Request *sentinel)
{
	MPI_Request req;
	int rc;

	if ((rc = MPI_Irecv(NULL, 0, MPI_BYTE, worker, MR_TAG_TASK, inter,
	    &req)) != MPI_SUCCESS)
		return rc;
	return wait_watched(&req, sentinel);
}

static void
recv_task_part(MPI_Comm inter, void *buf, size_t len, const char *what)
{
	MPI_Request req;

	transport_check(MPI_Irecv(buf, (int)len, MPI_BYTE, 0, MR_TAG_TASK,
	    inter, &req), what);
	wait_sleeping(&req, what);
}

int
transport_send_block(MPI_Comm inter, int worker, const struct mr_block *b,
    MPI_Request *sentinel)
{
	return send_watched(inter, worker, MR_TAG_BLOCK, b, sizeof(*b),
	    sentinel);
}

int
transport_post_result(MPI_Comm inter, int worker, struct mr_result *r,
    MPI_Request *req)
{
	return MPI_Irecv(r, sizeof(*r), MPI_BYTE, worker, MR_TAG_RESULT, inter,
	    req);
}

int
transport_post_sentinel(MPI_Comm inter, int worker, MPI_Request *req)
{
	static char never;

	return MPI_Irecv(&never, 1, MPI_BYTE, worker, MR_TAG_SENTINEL, inter,
	    req);
}

int
transport_wait_some(int n, MPI_Request *reqs, int *done, int *errs,
    long tick_ns)
{
	MPI_Status *st;
	long ns = WAIT_MIN_NS, waited = 0;
	int rc, count, i;

	if ((st = calloc((size_t)n, sizeof(*st))) == NULL)
		transport_fail("out of memory");
	for (;;) {
		rc = MPI_Testsome(n, reqs, &count, done, st);
		if (rc != MPI_SUCCESS && rc != MPI_ERR_IN_STATUS)
			transport_fail("MPI_Testsome: %s",
			    transport_strerror(rc));
		if (count == MPI_UNDEFINED)
			count = 0;
		if (count > 0 || n == 0 || all_null(n, reqs) ||
		    (tick_ns != 0 && waited >= tick_ns))
			break;
		if (wait_fn != NULL)
			wait_fn(wait_arg);
		waited += ns;
		back_off(&ns);
	}
	for (i = 0; i < count; i++)
		errs[i] = rc == MPI_ERR_IN_STATUS ? st[i].MPI_ERROR :
		    MPI_SUCCESS;
	free(st);
	return count;
}

int
transport_recv_bytes(MPI_Comm inter, int worker, void *buf, size_t len,
    MPI_Request *sentinel)
{
	MPI_Request req;
	int rc;

	if (len > INT_MAX)
		return MPI_ERR_COUNT;
	if ((rc = MPI_Irecv(buf, (int)len, MPI_BYTE, worker, MR_TAG_BYTES,
	    inter, &req)) != MPI_SUCCESS)
		return rc;
	return wait_watched(&req, sentinel);
}

void
transport_drain(MPI_Comm inter, int worker)
{
	struct kept *buf;
	MPI_Message msg;
	MPI_Request req;
	MPI_Status st;
	int there, done, len;

	while (MPI_Improbe(worker, MPI_ANY_TAG, inter, &there, &msg, &st) ==
	    MPI_SUCCESS && there &&
	    MPI_Get_count(&st, MPI_BYTE, &len) == MPI_SUCCESS && len >= 0 &&
	    (buf = malloc(sizeof(*buf) + (size_t)len)) != NULL) {
		done = 0;
		if (MPI_Imrecv(buf->data, len, MPI_BYTE, &msg, &req) !=
		    MPI_SUCCESS || MPI_Test(&req, &done, MPI_STATUS_IGNORE) !=
		    MPI_SUCCESS || done || req == MPI_REQUEST_NULL) {
			free(buf);
			continue;
		}
		abandoned = 1;	/* still coming, from a worker gone */
		buf->next = kept;
		kept = buf;
		return;
	}
}

int
transport_send_stop(MPI_Comm inter, int worker, int status, unsigned lost,
    MPI_Request *sentinel)
{
	struct mr_stop stop = { MR_MAGIC, 0, status, lost, 0 };

	return send_watched(inter, worker, MR_TAG_STOP, &stop, sizeof(stop),
	    sentinel);
}

void
transport_cancel(MPI_Request *req)
{
	if (*req == MPI_REQUEST_NULL)
		return;
	MPI_Cancel(req);
	wait_rc(req, MPI_STATUS_IGNORE);
}

void
transport_watch_stop(MPI_Comm inter)
{
	transport_check(MPI_Irecv(&stop_word, sizeof(stop_word), MPI_BYTE, 0,
	    MR_TAG_STOP, inter, &stop_req), "MPI_Irecv stop");
}

int
transport_stopped(void)
{
	int done = stop_req == MPI_REQUEST_NULL;

	if (!done)
		transport_check(MPI_Test(&stop_req, &done, MPI_STATUS_IGNORE),
		    "MPI_Test stop");
	return done;
}

int
transport_next_block(MPI_Comm inter, struct mr_block *b,
    struct mr_stop *stop)
{
	MPI_Request req;
	long ns = WAIT_MIN_NS;
	int done = 0;

	transport_check(MPI_Irecv(b, sizeof(*b), MPI_BYTE, 0, MR_TAG_BLOCK,
	    inter, &req), "MPI_Irecv block");
	for (;;) {
		transport_check(MPI_Test(&req, &done, MPI_STATUS_IGNORE),
		    "MPI_Irecv block");
		if (done)
			return 1;
		if (transport_stopped()) {
			transport_cancel(&req);
			*stop = stop_word;
			return 0;
		}
		back_off(&ns);
	}
}

void
transport_send_result(MPI_Comm inter, const struct mr_result *r,
    const unsigned char *bytes)
{
	MPI_Request req[2] = { MPI_REQUEST_NULL, MPI_REQUEST_NULL };
	struct mr_result sent = *r;
	int apart = r->size > MR_INLINE;

	if (!apart && r->size > 0)
		memcpy(sent.inline_bytes, bytes, r->size);
	transport_check(MPI_Isend(&sent, sizeof(sent), MPI_BYTE, 0,
	    MR_TAG_RESULT, inter, &req[0]), "MPI_Isend result");
	if (apart)
		transport_check(MPI_Isend((void *)bytes, (int)r->size,
		    MPI_BYTE, 0, MR_TAG_BYTES, inter, &req[1]),
		    "MPI_Isend partial result");
	wait_sleeping(&req[0], "MPI_Isend result");
	if (apart)
		wait_sleeping(&req[1], "MPI_Isend partial result");
}

/*
 * MPICH's notices of a lost process come with SIGUSR1 and are read in
 * its progress engine; MPIX_Comm_failure_get_acked() says which it has
 * read.
 */
void
transport_settle(unsigned lost)
{
#ifdef MPIX_ERR_PROC_FAILED
	struct timespec ts = { 0, SETTLE_STEP_NS };
	MPI_Group failed;
	int n = 0, i, flag;

	for (i = 0; lost > 0 && i < SETTLE_STEPS; i++) {
		MPIX_Comm_failure_ack(MPI_COMM_WORLD);
		if (MPIX_Comm_failure_get_acked(MPI_COMM_WORLD, &failed) ==
		    MPI_SUCCESS) {
			MPI_Group_size(failed, &n);
			MPI_Group_free(&failed);
		}
		if ((unsigned)n >= lost)
			break;
		nanosleep(&ts, NULL);
	}
	MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag,
	    MPI_STATUS_IGNORE);
#else
	(void)lost;
#endif
}

void
transport_send_note(MPI_Comm inter, const struct mr_progress *n)
{
	MPI_Request req;

	transport_check(MPI_Isend((void *)n, sizeof(*n), MPI_BYTE, 0,
	    MR_TAG_PROGRESS, inter, &req), "MPI_Isend progress");
	wait_sleeping(&req, "MPI_Isend progress");
}

int
transport_poll_note(MPI_Comm inter, struct mr_progress *n)
{
	MPI_Status st;
	int there;

	transport_check(MPI_Iprobe(MPI_ANY_SOURCE, MR_TAG_PROGRESS, inter,
	    &there, &st), "MPI_Iprobe progress");
	if (!there)
		return -1;
	/* The note is there: MPI_Recv returns at once. */
	transport_check(MPI_Recv(n, sizeof(*n), MPI_BYTE, st.MPI_SOURCE,
	    MR_TAG_PROGRESS, inter, MPI_STATUS_IGNORE), "MPI_Recv progress");
	return st.MPI_SOURCE;
}

void
transport_recv_note(MPI_Comm inter, int worker, struct mr_progress *n)
{
	MPI_Request req;

	transport_check(MPI_Irecv(n, sizeof(*n), MPI_BYTE, worker,
	    MR_TAG_PROGRESS, inter, &req), "MPI_Irecv progress");
	wait_sleeping(&req, "MPI_Irecv progress");
}

void
transport_on_wait(void (*fn)(void *), void *arg)
{
	wait_fn = fn;
	wait_arg = arg;
}

void
transport_disconnect(MPI_Comm *inter)
{
	if (abandoned)
		transport_check(MPI_Comm_free(inter), "MPI_Comm_free");
	else
		transport_check(MPI_Comm_disconnect(inter),
		    "MPI_Comm_disconnect");
}

/*
 * MPI_Wait would spin on a core until the request completes.  Testing with
 * sleeps that double from 1 us up to 1 ms leaves the core to the workers at
 * the cost of at most 1 ms of latency per step.
 */
static void
wait_sleeping(MPI_Request *req, const char *what)
{
	wait_status(req, MPI_STATUS_IGNORE, what);
}

static void
wait_status(MPI_Request *req, MPI_Status *st, const char *what)
{
	transport_check(wait_rc(req, st), what);
}

static int
wait_rc(MPI_Request *req, MPI_Status *st)
{
	long ns = WAIT_MIN_NS;
	int done = 0, rc;

	for (;;) {
		if ((rc = MPI_Test(req, &done, st)) != MPI_SUCCESS || done)
			return rc;
		if (wait_fn != NULL)
			wait_fn(wait_arg);
		back_off(&ns);
	}
}

/*
 * A send to a worker that has just died may never complete: when MPICH
 * ch3's write meets the closed connection, it queues the request on it
 * for good.  So the manager sends a copy, and gives the send up (the copy
 * with it) when the worker's sentinel fails.
 */
static int
send_watched(MPI_Comm inter, int worker, int tag, const void *buf,
    size_t len, MPI_Request *sentinel)
{
	struct kept *copy;
	MPI_Request req;
	int rc;

	if ((copy = malloc(sizeof(*copy) + len)) == NULL)
		transport_fail("out of memory");
	memcpy(copy->data, buf, len);
	if ((rc = MPI_Isend(copy->data, (int)len, MPI_BYTE, worker, tag, inter,
	    &req)) == MPI_SUCCESS &&
	    (rc = wait_watched(&req, sentinel)) != MPI_SUCCESS &&
	    req != MPI_REQUEST_NULL) {
		copy->next = kept;	/* given up: MPI may still read it */
		kept = copy;
	} else
		free(copy);
	return rc;
}

/*
 * Wait for *req, or for the sentinel, a receive of worker's that never
 * completes but fails when the worker is gone (or is MPI_REQUEST_NULL,
 * taken by transport_wait_some() as it failed): then *req is left
 * unfinished (see transport_disconnect()) and an error returned.
 */
static int
wait_watched(MPI_Request *req, MPI_Request *sentinel)
{
	long ns = WAIT_MIN_NS;
	int rc, done = 0, dead = 0;

	for (;;) {
		if ((rc = MPI_Test(req, &done, MPI_STATUS_IGNORE)) !=
		    MPI_SUCCESS || done) {
			if (*req != MPI_REQUEST_NULL)
				abandoned = 1;	/* failed, yet pending */
			return rc;
		}
		/* A sentinel taken already: its worker is being lost. */
		if (*sentinel == MPI_REQUEST_NULL ||
		    (rc = MPI_Test(sentinel, &dead, MPI_STATUS_IGNORE)) !=
		    MPI_SUCCESS || dead) {
			abandoned = 1;
			return rc != MPI_SUCCESS ? rc : MPI_ERR_OTHER;
		}
		if (wait_fn != NULL)
			wait_fn(wait_arg);
		back_off(&ns);
	}
}

static int
all_null(int n, const MPI_Request *reqs)
{
	int i;

	for (i = 0; i < n; i++)
		if (reqs[i] != MPI_REQUEST_NULL)
			return 0;
	return 1;
}

/*
 * Between two tests: sleep *ns, and double it for the next time, from
 * WAIT_MIN_NS up to WAIT_MAX_NS (see wait_status()).
 */
static void
back_off(long *ns)
{
	struct timespec ts = { 0, *ns };

	nanosleep(&ts, NULL);
	if (*ns < WAIT_MAX_NS)
		*ns *= 2;
}
