/* mapreduce.c - the manager: spawn workers, hand out blocks, add up their sums */

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmp.h>
#include <mpi.h>

#include "arith.h"
#include "cli.h"
#include "common.h"
#include "guard.h"
#include "journal.h"
#include "launch.h"
#include "output.h"
#include "plugin.h"
#include "progress.h"
#include "pyload.h"
#include "reduce.h"
#include "sched.h"
#include "serve.h"
#include "transport.h"

#define TICK_NS		500000000	/* with a checkpoint, its sync at least */

#ifndef VERSION
#define VERSION		"unknown"
#endif

/*
 * A run as the manager holds it while the blocks go out and the results
 * come in (common.h, steps 3 to 5).
 */
struct run {
	MPI_Comm inter;
	int nworkers;
	struct mr_task task;	/* what every worker is sent first, */
	const struct mr_range *ranges;	/* with these ranges */
	const char *spec;	/* and, task.kernel_len bytes, what maps */
	int survive;		/* a lost worker is survived */
	struct sched *sched;
	struct partial *result;
	const struct pyjob *pj;	/* with a Python fold, its; else NULL */
	struct journal *journal;	/* --checkpoint's, or NULL */
	const char *path;	/* its file */
	uint64_t length;	/* elements in the map */
	struct mr_result *res;	/* res[k]: worker k's latest */
	struct mr_result *in;	/* in[k]: where worker k's next one lands */
	MPI_Request *reqs;	/* k: worker k's next result; W + k: its
				   sentinel (common.h) */
	int *done, *errs;	/* transport_wait_some()'s, 2W each */
	char *lost;		/* lost[k]: worker k is gone */
	char *ended;		/* ended[k]: worker k said its last */
	int nlost;
	int started;		/* every worker has its task: blocks go */
	int stopping;		/* the stop is sent: results are drained */
	int failed;
	uint64_t fail_at;	/* the least element that raised, */
	char *fail_line;	/* and its line */
};

/* The kernel as the manager checked it, and as the workers load it. */
struct kernel_info {
	char *spec;		/* "PATH\0SYMBOL\0", PATH absolute */
	size_t len;		/* bytes of spec */
	char *name;		/* its values, for the sentence */
	int doubles;		/* its values are doubles */
};

/* For on_stop(), in a signal handler. */
static struct journal *checkpoint_journal;
static const char *checkpoint_path;
static volatile uint64_t done_elements, total_elements;
static volatile sig_atomic_t replayed;	/* done_elements is known */

static void	refuse(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	end_static_launch(int code);
static void	print_version(void);
static void	check_kernel(const struct options *o, struct kernel_info *ki);
static void	expr_spec(const struct options *o, struct kernel_info *ki);
static void	check_python(const struct options *o, struct pyjob *pj,
		    struct kernel_info *ki);
static void	require_matching_workers(int asked, int started, int rank);
static MPI_Comm	spawn_workers(const char *worker, int nworkers);
static void	make_task(struct run *r, const struct options *o,
		    const struct kernel_info *ki, int flags);
static struct journal *open_checkpoint(const struct options *o,
		    const struct kernel_info *ki);
static void	name_file(FILE *f, const char *path, const char *what);
static void	name_python(FILE *f, const char *spec);
static void	replay_checkpoint(struct run *r);
static int	replay(void *arg, const struct journal_record *rec);
static void	on_stop(int sig);
static size_t	append(char *line, size_t n, size_t len, const char *s);
static size_t	append_u64(char *line, size_t n, size_t len, uint64_t v);
static void	run_init(struct run *r, int nworkers);
static void	compute(struct run *r);
static void	fill(struct run *r, int k);
static void	take_result(struct run *r, int k);
static int	merge(struct run *r, int k, const unsigned char *bytes);
static void	note_failure(struct run *r, int k, const unsigned char *bytes);
static void	lose(struct run *r, int k, int rc);
static void	stop_workers(struct run *r);
static int	take_some(struct run *r, long tick_ns);
static int	all_lost(const struct run *r);
static const char *status_text(int status);
static double	seconds_since(const struct timespec *t0);

int
main(int argc, char *argv[])
{
	struct kernel_info ki = { NULL, 0, NULL, 0 };
	struct pyjob pj = { NULL, NULL, NULL, NULL, NULL, 0 };
	struct options opt;
	struct partial result;
	struct run run;
	struct progress *prog = NULL;
	struct timespec t0;
	MPI_Comm inter;
	char *worker = NULL, *value = NULL, *noun = NULL;
	const char *why;
	int nworkers, failed, rank, size;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	launch_reopen_std();
	/* A line in one write, whole beside the workers' and hydra's. */
	setvbuf(stderr, NULL, _IOLBF, 0);
	launch_read_arguments(&argc, &argv);
	if (cli_parse(argc, argv, &opt) == -1)
		refuse("%s (try 'mapreduce --help')", opt.error);
	if (opt.help || opt.version) {
		failed = 0;
		if (launch_world_rank() == 0) {	/* static launch: rank 0 */
			if (opt.help)
				cli_help();
			else
				print_version();
			failed = output_check_stdout() == -1;
		}
		end_static_launch(failed);
		return failed;
	}
	launch_announce();
	output_hold_stdout();
	if (opt.map == MR_MAP_PYTHON)
		check_python(&opt, &pj, &ki);
	else if (opt.kernel != NULL)
		check_kernel(&opt, &ki);
	else if (opt.expr != NULL)
		expr_spec(&opt, &ki);
	if (launch_world_size() == 1) {		/* spawn the workers */
		worker = launch_find_worker(opt.worker);
		launch_under_process_manager(argc, argv, opt.workers);
	} else
		guard_worker(0);	/* ranks 1..N work: guard them */

	if (opt.checkpoint != NULL && launch_world_rank() == 0) {
		checkpoint_journal = open_checkpoint(&opt, &ki);
		checkpoint_path = opt.checkpoint;
		total_elements = opt.length;
		transport_on_stop(on_stop);
	}
	/*
	 * Armed before MPI_Init, which waits for ever for partners of a
	 * static launch that never start MPI.  The other ranks work, as
	 * spawned workers do.
	 */
	if (launch_world_rank() == 0)
		transport_arm(opt.timeout);
	MPI_Init(&argc, &argv);
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (size > 1) {			/* the workers came with us */
		require_matching_workers(opt.workers, size - 1, rank);
		inter = transport_static(rank == 0);
		if (rank != 0) {
			serve(&inter);
			guard_release();
			MPI_Finalize();
			pyload_release(&pj);
			free(ki.spec);
			free(ki.name);
			cli_release(&opt);
			return 0;
		}
		nworkers = size - 1;
	} else {
		if ((nworkers = opt.workers) == 0 &&
		    (nworkers = transport_universe_workers()) == 0)
			nworkers = 1;
		inter = spawn_workers(worker, nworkers);
	}
	run_init(&run, nworkers);
	if (opt.verbose)
		warnx("%d worker%s of '%s' share %" PRIu64 " element%s",
		    nworkers, nworkers == 1 ? "" : "s",
		    worker != NULL ? worker : "the static launch", opt.length,
		    opt.length == 1 ? "" : "s");

	partial_init(&result, opt.reduce, ki.doubles);
	run.inter = inter;
	run.nworkers = nworkers;
	run.survive = size == 1 && launch_survivable();
	run.result = &result;
	run.pj = pj.fold != NULL ? &pj : NULL;
	if ((run.sched = sched_new(opt.length, nworkers, opt.schedule,
	    opt.chunk, opt.checkpoint != NULL)) == NULL)
		transport_fail("out of memory");
	run.journal = checkpoint_journal;
	run.path = opt.checkpoint;
	run.length = opt.length;
	replay_checkpoint(&run);
	if (opt.progress || launch_stderr_is_tty())
		prog = progress_start(inter, nworkers, opt.length);
	make_task(&run, &opt, &ki, (prog != NULL ? MR_TASK_PROGRESS : 0) |
	    (run.survive ? MR_TASK_SURVIVE : 0));
	compute(&run);
	failed = run.failed;
	if (!failed && pj.fold == NULL &&
	    (why = partial_check(&result)) != NULL) {
		warnx("%s", why);
		failed = 1;
	}
	/* Still timed: the decimal digits of a huge result take seconds. */
	if (!failed && pj.fold != NULL) {
		if ((value = pj.py->result(pj.fold, &ki.doubles)) == NULL) {
			value = pj.py->error();
			warnx("%s", value != NULL ? value : "out of memory");
			failed = 1;
		} else if ((noun = pyload_noun(opt.pyreduce_func)) == NULL)
			transport_fail("out of memory");
	} else if (!failed) {
		if ((value = partial_format(&result)) == NULL)
			transport_fail("out of memory");
	}
	/*
	 * Only now: stopped workers wait for the disconnect inside MPI,
	 * spinning on the cores that the digits of a huge result need.
	 */
	stop_workers(&run);
	if (prog != NULL)
		progress_finish(prog, run.res);
	/* The disconnect waits for every worker: still timed. */
	transport_disconnect(&inter);
	transport_disarm();
	checkpoint_journal = NULL;
	journal_close(run.journal);
	MPI_Finalize();

	if (!failed)
		output_result(&opt, &(struct result){ value, pj.fold != NULL ?
		    ki.doubles : partial_is_double(&result), opt.kernel != NULL ?
		    ki.spec : NULL, ki.name, nworkers, run.nlost,
		    seconds_since(&t0), noun });
	free(value);
	free(noun);
	if (opt.verbose)
		output_statistics(run.res, run.lost, nworkers);
	partial_free(&result);
	pyload_release(&pj);
	sched_free(run.sched);
	free(run.res);
	free(run.in);
	free(run.reqs);
	free(run.lost);
	free(run.ended);
	free(run.done);
	free(run.errs);
	free(run.fail_line);
	free(ki.spec);
	free(ki.name);
	free(worker);
	cli_release(&opt);
	return failed ? 1 : 0;
}

/*
 * Bad input: one line and exit status 2, before any work, from world rank
 * 0 only.
 */
static void
refuse(const char *fmt, ...)
{
	va_list ap;

	if (launch_world_rank() == 0) {	/* static launch: rank 0 */
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	end_static_launch(2);
	exit(2);
}

/*
 * In a static launch, the workers are already started and wait for us in
 * MPI_Init: an exit would leave them waiting for ever, so the whole run
 * ends, with code.  Elsewhere, nothing to do.
 */
static void
end_static_launch(int code)
{
	if (launch_world_size() == 1)
		return;
	fflush(stdout);
	MPI_Init(NULL, NULL);
	transport_abort(code);
}

static void
print_version(void)
{
	char lib[MPI_MAX_LIBRARY_VERSION_STRING];
	int len;

	/* One of the few MPI calls allowed before MPI_Init. */
	if (MPI_Get_library_version(lib, &len) != MPI_SUCCESS)
		strcpy(lib, "unknown");
	lib[strcspn(lib, "\n")] = '\0';
	for (len = 0; lib[len] != '\0'; len++)
		if (lib[len] == '\t')
			lib[len] = ' ';
	printf("mapreduce %s (protocol %d)\nMPI: %s\nGMP: %s\n", VERSION,
	    MR_PROTOCOL_VERSION, lib, gmp_version);
}

/*
 * Load the kernel here first, so that a bad one is a one-line error (exit
 * 2) before any process starts; the workers get its absolute path.
 */
static void
check_kernel(const struct options *o, struct kernel_info *ki)
{
	struct plugin pl;
	char why[512], path[PATH_MAX];
	size_t plen, slen;

	/* A buffer of our own: refuse() exits, and must leak nothing. */
	if (realpath(o->kernel, path) == NULL)
		refuse("kernel '%s': %s", o->kernel, strerror(errno));
	if (plugin_open(&pl, path, o->symbol, why, sizeof(why)) == -1)
		refuse("kernel '%s': %s", o->kernel, why);
	if (o->nranges < pl.kernel->arity_min ||
	    o->nranges > pl.kernel->arity_max)
		refuse("kernel '%s' takes %u%s%.0u range%s, not %" PRIu32,
		    o->kernel, pl.kernel->arity_min,
		    pl.kernel->arity_max > pl.kernel->arity_min ? " to " : "",
		    pl.kernel->arity_max > pl.kernel->arity_min ?
		    pl.kernel->arity_max : 0u, pl.kernel->arity_max > 1 ?
		    "s" : "", o->nranges);
	ki->doubles = pl.kernel->type == MAPREDUCE_DOUBLE;
	if (ki->doubles && o->reduce == MR_REDUCE_PRODUCT)
		refuse("kernel '%s' maps to doubles: -R product is not offered"
		    " for them (an exact product needs 53 bits per element)",
		    o->kernel);
	if ((ki->name = strdup(pl.kernel->name)) == NULL)
		err(1, NULL);
	plugin_close(&pl);
	plen = strlen(path) + 1;
	slen = strlen(o->symbol != NULL ? o->symbol : MAPREDUCE_KERNEL_SYMBOL)
	    + 1;
	if ((ki->spec = malloc(plen + slen)) == NULL)
		err(1, NULL);
	memcpy(ki->spec, path, plen);
	memcpy(ki->spec + plen, o->symbol != NULL ? o->symbol :
	    MAPREDUCE_KERNEL_SYMBOL, slen);
	ki->len = plen + slen;
}

/* -e: the workers get "EXPR\0NAME1\0...NAMEn\0" (common.h). */
static void
expr_spec(const struct options *o, struct kernel_info *ki)
{
	size_t n = strlen(o->expr) + 1;
	uint32_t j;

	for (j = 0; j < o->nranges; j++)
		n += strlen(o->names[j]) + 1;
	if ((ki->spec = malloc(n)) == NULL)
		err(1, NULL);
	ki->len = 0;
	memcpy(ki->spec, o->expr, strlen(o->expr) + 1);
	ki->len = strlen(o->expr) + 1;
	for (j = 0; j < o->nranges; j++) {
		memcpy(ki->spec + ki->len, o->names[j],
		    strlen(o->names[j]) + 1);
		ki->len += strlen(o->names[j]) + 1;
	}
	ki->doubles = PARTIAL_ANY;
}

/*
 * Import the Python function here first, so that a bad file or function
 * is one line (exit 2) before any process starts; the workers get the
 * absolute paths and the plugin's.  The sentence calls the values by the
 * function's name: "product" makes "products".
 */
static void
check_python(const struct options *o, struct pyjob *pj,
    struct kernel_info *ki)
{
	char why[1024];

	if (pyload_check(pj, o->kernel, o->symbol, o->nranges, o->pyreduce,
	    o->pyreduce_func, o->batch, o->verbose, why, sizeof(why)) == -1)
		refuse("%s", why);
	if (asprintf(&ki->name, "%ss", o->symbol) == -1)
		err(1, NULL);
	ki->spec = pj->spec;
	ki->len = pj->len;
	ki->doubles = PARTIAL_ANY;	/* ints, floats, or both */
	pj->spec = NULL;
}

/*
 * In a static launch the worker count is the world's: a -w that says
 * otherwise is bad input.  Every rank sees the same, so all abort alike.
 */
static void
require_matching_workers(int asked, int started, int rank)
{
	if (asked == 0 || asked == started)
		return;
	if (rank == 0)
		warnx("-w %d, but mpiexec started %d worker%s beside the"
		    " manager (try 'mapreduce --help')", asked, started,
		    started == 1 ? "" : "s");
	transport_abort(2);
}

/*
 * An MPI without dynamic processes (Debian's own MPICH build, ch4:ucx)
 * fails here: the line says how to start the workers without a spawn.
 */
static MPI_Comm
spawn_workers(const char *worker, int nworkers)
{
	MPI_Comm inter;
	int rc;

	if ((rc = transport_spawn(worker, nworkers, &inter)) == MPI_SUCCESS)
		return inter;
	if (transport_lost(rc))		/* its guard says more, and first */
		transport_check(rc, "a worker was lost as the workers started");
	transport_fail("cannot spawn %d worker%s of '%s': %s; if this MPI"
	    " cannot spawn, start them with the manager: mpiexec -n 1"
	    " mapreduce ARGS : -n %d %s", nworkers, nworkers == 1 ? "" : "s",
	    worker, transport_strerror(rc), nworkers, worker);
}

static void
run_init(struct run *r, int nworkers)
{
	memset(r, 0, sizeof(*r));
	r->nworkers = nworkers;
	r->fail_at = UINT64_MAX;
	r->res = calloc((size_t)nworkers, sizeof(*r->res));
	r->in = calloc((size_t)nworkers, sizeof(*r->in));
	r->reqs = calloc((size_t)nworkers * 2, sizeof(*r->reqs));
	r->lost = calloc((size_t)nworkers, 1);
	r->ended = calloc((size_t)nworkers, 1);
	r->done = calloc((size_t)nworkers * 2, sizeof(*r->done));
	r->errs = calloc((size_t)nworkers * 2, sizeof(*r->errs));
	if (r->res == NULL || r->in == NULL || r->reqs == NULL ||
	    r->lost == NULL || r->ended == NULL || r->done == NULL ||
	    r->errs == NULL)
		transport_fail("out of memory");
}

/* What steps 1 and 2 of common.h send every worker. */
static void
make_task(struct run *r, const struct options *o,
    const struct kernel_info *ki, int flags)
{
	struct mr_task task = { MR_MAGIC, MR_PROTOCOL_VERSION,
	    (uint16_t)o->map, (uint16_t)o->reduce, o->nranges,
	    (uint32_t)o->schedule, (uint32_t)ki->len, (uint32_t)flags,
	    o->length };

	r->task = task;
	r->ranges = o->ranges;
	r->spec = ki->spec;
}

/*
 * --checkpoint FILE, before MPI starts, so that a refusal is one line and
 * exit 2 with nothing started.  The journal names the task: the map, the
 * reduce, the ranges, and what maps, with the contents of its files.
 */
static struct journal *
open_checkpoint(const struct options *o, const struct kernel_info *ki)
{
	struct journal *j;
	char *id = NULL, why[1024];
	size_t len = 0;
	uint64_t damaged;
	uint32_t i;
	int code;
	FILE *f;

	if ((f = open_memstream(&id, &len)) == NULL)
		err(1, NULL);
	fprintf(f, "protocol %d\nmap %d\nreduce %d\nlength %" PRIu64 "\n",
	    MR_PROTOCOL_VERSION, o->map, o->reduce, o->length);
	for (i = 0; i < o->nranges; i++)
		fprintf(f, "range %" PRId64 ":%" PRId64 ":%" PRId64 "\n",
		    o->ranges[i].start, o->ranges[i].stop, o->ranges[i].step);
	if (o->map == MR_MAP_EXPR)
		fwrite(ki->spec, 1, ki->len, f);
	else if (o->map == MR_MAP_KERNEL)
		name_file(f, ki->spec, ki->spec + strlen(ki->spec) + 1);
	else if (o->map == MR_MAP_PYTHON)
		name_python(f, ki->spec);
	if (fclose(f) != 0)
		err(1, NULL);
	j = journal_open(o->checkpoint, id, len, &damaged, &code, why,
	    sizeof(why));
	free(id);
	if (j == NULL) {
		if (code == 2)
			refuse("%s", why);
		errx(code, "%s", why);
	}
	if (damaged > 0)
		warnx("checkpoint %s: its last %" PRIu64 " byte%s were damaged"
		    " (cut short?): the blocks they held are computed again",
		    o->checkpoint, damaged, damaged == 1 ? "" : "s");
	return j;
}

/* A file of the task, by its name and the hash of its contents. */
static void
name_file(FILE *f, const char *path, const char *what)
{
	uint64_t hash;

	if (journal_hash_file(path, &hash) == -1)
		refuse("%s: %s", path, strerror(errno));
	fprintf(f, "file %s %016" PRIx64 " %s\n", path, hash, what);
}

/* pyload.h's spec: MAPPATH, MAPFUNC, PLUGIN, REDPATH, REDFUNC, FLAGS. */
static void
name_python(FILE *f, const char *spec)
{
	const char *map_func = spec + strlen(spec) + 1;
	const char *plugin = map_func + strlen(map_func) + 1;
	const char *red = plugin + strlen(plugin) + 1;

	name_file(f, spec, map_func);
	if (*red != '\0')
		name_file(f, red, red + strlen(red) + 1);
}

/*
 * What the checkpoint holds is done: into the result, and out of the
 * blocks to hand out.  A record that the checks of the journal passed but
 * that is no partial result of this task is another build's: refused.
 */
static void
replay_checkpoint(struct run *r)
{
	if (r->journal != NULL && journal_replay(r->journal, replay, r) != 0)
		transport_fail("checkpoint %s: a block's partial result is"
		    " not one of this task's; remove it to start over",
		    r->path);
	if (sched_start(r->sched) == -1)
		transport_fail("checkpoint %s: its blocks overlap; remove it"
		    " to start over", r->path);
	done_elements = sched_done_elements(r->sched);
	replayed = 1;
}

static int
replay(void *arg, const struct journal_record *rec)
{
	struct run *r = arg;

	if (sched_done(r->sched, rec->first, rec->count) == -1)
		return -1;
	if (r->pj != NULL)
		return r->pj->py->merge(r->pj->fold, rec->bytes, rec->len);
	return partial_merge(r->result, rec->flags, rec->bytes, rec->len);
}

/*
 * In the handler of SIGINT, SIGTERM or --timeout's SIGALRM (transport.c):
 * every finished block is in the file already, written whole (see
 * merge()); to disk with it, and say so.
 */
static void
on_stop(int sig)
{
	char line[PATH_MAX + 160];
	size_t n = 0;

	(void)sig;
	if (checkpoint_journal != NULL)
		journal_sync(checkpoint_journal);
	n = append(line, n, sizeof(line), "mapreduce: checkpoint ");
	n = append(line, n, sizeof(line), checkpoint_path);
	if (replayed) {
		n = append(line, n, sizeof(line), ": ");
		n = append_u64(line, n, sizeof(line), done_elements);
		n = append(line, n, sizeof(line), " of ");
		n = append_u64(line, n, sizeof(line), total_elements);
		n = append(line, n, sizeof(line), " elements done");
	} else		/* stopped while starting: it is as it was */
		n = append(line, n, sizeof(line), " is kept");
	n = append(line, n, sizeof(line), "; the same command goes on from"
	    " there\n");
	(void)!write(STDERR_FILENO, line, n);
}

/* Async-signal-safe: s at line[n], within len bytes; the new length. */
static size_t
append(char *line, size_t n, size_t len, const char *s)
{
	while (*s != '\0' && n + 1 < len)
		line[n++] = *s++;
	return n;
}

static size_t
append_u64(char *line, size_t n, size_t len, uint64_t v)
{
	char digits[24];
	int i = 0;

	do
		digits[i++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (i > 0 && n + 1 < len)
		line[n++] = digits[--i];
	return n;
}

/*
 * Steps 1 to 4: every worker gets the task, then, once all have it,
 * blocks, MR_AHEAD at most ahead of its results, until all are done, or
 * one failed, or no worker is left.  The task goes to each worker on its
 * own: a worker lost early is then lost alone, where a broadcast could
 * fail at the others too; and no worker computes while another is still
 * in MPI_Init (common.h).
 */
static void
compute(struct run *r)
{
	int k, rc, W = r->nworkers;

	for (k = 0; k < 2 * W; k++)
		r->reqs[k] = MPI_REQUEST_NULL;
	for (k = 0; k < W; k++)
		if ((rc = transport_post_result(r->inter, k, &r->in[k],
		    &r->reqs[k])) != MPI_SUCCESS ||
		    (rc = transport_post_sentinel(r->inter, k,
		    &r->reqs[W + k])) != MPI_SUCCESS)
			lose(r, k, rc);
	for (k = 0; k < W; k++)
		if (!r->lost[k] && (rc = transport_send_task(r->inter, k,
		    &r->task, r->ranges, r->spec, &r->reqs[W + k])) !=
		    MPI_SUCCESS)
			lose(r, k, rc);
	for (k = 0; k < W; k++)
		if (!r->lost[k] && (rc = transport_task_taken(r->inter, k,
		    &r->reqs[W + k])) != MPI_SUCCESS)
			lose(r, k, rc);
	r->started = 1;
	for (k = 0; k < W; k++)
		fill(r, k);
	while (!r->failed && !sched_idle(r->sched)) {
		if (take_some(r, r->journal != NULL ? TICK_NS : 0) == 0 &&
		    all_lost(r))
			break;		/* nothing left to wait for */
		if (r->journal != NULL && journal_tick(r->journal) == -1) {
			warn("checkpoint %s", r->path);
			r->failed = 1;
		}
	}
	if (!r->failed && r->fail_line != NULL) {
		warnx("%s", r->fail_line);
		r->failed = 1;
	}
}

/*
 * Wait for what comes next (tick_ns at most, when not 0), and take it all:
 * workers lost first, then results.  A worker's result can come with its
 * sentinel's failure: the bytes that follow it may never come, and its
 * blocks are handed out again, so that result is dropped.  Returns how
 * many came.
 */
static int
take_some(struct run *r, long tick_ns)
{
	int n, i, k, W = r->nworkers;

	n = transport_wait_some(2 * W, r->reqs, r->done, r->errs, tick_ns);
	for (i = 0; i < n; i++)
		if (r->errs[i] != MPI_SUCCESS || r->done[i] >= W)
			lose(r, r->done[i] % W, r->errs[i] != MPI_SUCCESS ?
			    r->errs[i] : MPI_ERR_OTHER);
	for (i = 0; i < n; i++) {
		if (r->errs[i] != MPI_SUCCESS || (k = r->done[i]) >= W)
			continue;
		if (!r->lost[k])
			take_result(r, k);
	}
	return n;
}

/* Send worker k blocks while it has room and there are any. */
static void
fill(struct run *r, int k)
{
	struct mr_block b;
	int got, rc;

	while (r->started && !r->lost[k] && !r->stopping &&
	    (got = sched_next(r->sched, k, &b)) != 0) {
		if (got == -1)
			transport_fail("out of memory");
		if ((rc = transport_send_block(r->inter, k, &b,
		    &r->reqs[r->nworkers + k])) != MPI_SUCCESS)
			lose(r, k, rc);
	}
}

/*
 * Worker k's struct mr_result is in r->in[k], the bytes that follow are
 * to receive: a block's partial, why it failed, or, once stopping, its
 * last word.
 */
static void
take_result(struct run *r, int k)
{
	struct mr_result *in = &r->in[k];
	const unsigned char *bytes = in->inline_bytes;
	unsigned char *apart = NULL;
	int rc;

	if (in->magic != MR_MAGIC || in->version != MR_PROTOCOL_VERSION) {
		warnx("worker %d speaks protocol %u, not %d: a worker from"
		    " another build?", k, in->version, MR_PROTOCOL_VERSION);
		r->failed = 1;
		r->ended[k] = 1;	/* no last word to wait for */
		return;
	}
	if (in->size > MR_INLINE) {	/* it follows: common.h, step 4 */
		if ((apart = malloc(in->size)) == NULL)
			transport_fail("worker %d: out of memory for a partial"
			    " result of %" PRIu64 " bytes", k, in->size);
		if ((rc = transport_recv_bytes(r->inter, k, apart, in->size,
		    &r->reqs[r->nworkers + k])) != MPI_SUCCESS) {
			free(apart);
			lose(r, k, rc);
			return;
		}
		bytes = apart;
	}
	r->res[k] = *in;
	if (in->count == 0)
		r->ended[k] = 1;	/* its last word */
	else if (r->stopping || r->failed)
		;			/* a block past the end: dropped */
	else if (sched_finished(r->sched, k, in->first, in->count,
	    in->block_ns) == -1) {
		warnx("worker %d sent the result of a block it did not have",
		    k);
		r->failed = 1;
	} else if (in->status == MR_STATUS_OK)
		r->failed = merge(r, k, bytes);
	else
		note_failure(r, k, bytes);
	free(apart);
	if (!r->ended[k] && (rc = transport_post_result(r->inter, k, &r->in[k],
	    &r->reqs[k])) != MPI_SUCCESS)
		lose(r, k, rc);
	if (!r->failed)
		fill(r, k);
}

/* A block's partial result into the run's, and into the checkpoint. */
static int
merge(struct run *r, int k, const unsigned char *bytes)
{
	const struct mr_result *in = &r->in[k];
	struct journal_record rec = { in->first, in->count, in->flags, bytes,
	    in->size };
	sigset_t stops, old;
	char *why;
	int rc;

	if (r->pj != NULL ? r->pj->py->merge(r->pj->fold, bytes, in->size) ==
	    -1 : partial_merge(r->result, in->flags, bytes, in->size) == -1) {
		why = r->pj != NULL ? r->pj->py->error() : NULL;
		warnx("worker %d sent a malformed partial result%s%s", k,
		    why != NULL ? ": " : "", why != NULL ? why : "");
		free(why);
		return 1;
	}
	done_elements = sched_done_elements(r->sched);
	if (r->journal == NULL)
		return 0;
	/* A record is whole or not there: no signal between. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigaddset(&stops, SIGALRM);
	sigprocmask(SIG_BLOCK, &stops, &old);
	rc = journal_append(r->journal, &rec);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc == -1) {
		warn("checkpoint %s", r->path);
		return 1;
	}
	return 0;
}

/*
 * A block failed.  An expression or a Python function that raised: the
 * least element (an expression's says which; a Python function's is in the
 * least block that failed) is where Python would have raised, so blocks
 * before it go on and none after it goes out.  Anything else ends the run.
 */
static void
note_failure(struct run *r, int k, const unsigned char *bytes)
{
	const struct mr_result *in = &r->in[k];
	uint64_t element = in->first;
	size_t j, skip = 0;

	if (in->status == MR_STATUS_EXPR && in->size >= 8) {
		for (element = 0, j = 0; j < 8; j++)
			element = element << 8 | bytes[j];
		skip = 8;
	} else if (in->status != MR_STATUS_PYTHON) {
		warnx("worker %d %s", k, status_text(in->status));
		r->failed = 1;
		return;
	}
	if (element >= r->fail_at)
		return;
	free(r->fail_line);
	if ((r->fail_line = strndup((const char *)bytes + skip,
	    in->size - skip)) == NULL)
		transport_fail("out of memory");
	r->fail_at = element;
	sched_cut(r->sched, element);
}

/*
 * Worker k is gone (rc says how MPI saw it).  Without survival, its guard
 * ends the run in a moment, with a line that says more than ours.
 * Otherwise its blocks go to the others, and its guard has said so.
 */
static void
lose(struct run *r, int k, int rc)
{
	/* The last worker's guard says how it ended: after it, ours. */
	struct timespec guard_first = { 0, 250000000 };

	if (!r->survive)
		transport_check(rc, "a worker");
	if (r->lost[k])
		return;
	r->lost[k] = 1;
	r->nlost++;
	r->res[k].notes = 0;		/* its notes in flight are lost too */
	transport_cancel(&r->reqs[k]);
	transport_cancel(&r->reqs[r->nworkers + k]);
	if (sched_lost(r->sched, k) == -1)
		transport_fail("out of memory");
	/*
	 * Ended through the process manager: with no process left in the
	 * workers' group, hydra's own end of the run can die of SIGPIPE.
	 */
	if (r->nlost == r->nworkers && r->stopping && !r->failed)
		return;		/* every result is in: the run is done */
	if (r->nlost == r->nworkers) {
		if (r->journal != NULL)
			journal_sync(r->journal);
		nanosleep(&guard_first, NULL);
		transport_fail("no worker is left: run abandoned%s%s%s",
		    r->journal != NULL ? "; checkpoint " : "",
		    r->journal != NULL ? r->path : "",
		    r->journal != NULL ? " keeps what is done" : "");
	}
	if (r->stopping)
		return;
	for (k = 0; k < r->nworkers; k++)
		fill(r, k);
}

/*
 * Step 5: stop every worker that is left, and take their last words (and
 * any result still in flight), and what lost workers sent that no one
 * took, so that nothing is pending at the disconnect.
 */
static void
stop_workers(struct run *r)
{
	int k, W = r->nworkers, left, rc;

	r->stopping = 1;
	for (k = 0; k < W; k++)
		if (!r->lost[k] && (rc = transport_send_stop(r->inter, k,
		    r->failed, (unsigned)r->nlost, &r->reqs[W + k])) !=
		    MPI_SUCCESS)
			lose(r, k, rc);
	for (;;) {
		for (left = 0, k = 0; k < W; k++)
			left += !r->lost[k] && !r->ended[k];
		if (left == 0 || take_some(r, 0) == 0)
			break;
	}
	for (k = 0; k < 2 * W; k++)
		transport_cancel(&r->reqs[k]);
	for (k = 0; k < W; k++)
		if (r->lost[k])
			transport_drain(r->inter, k);
}

static int
all_lost(const struct run *r)
{
	return r->nlost == r->nworkers;
}

static const char *
status_text(int status)
{
	switch (status) {
	case MR_STATUS_BAD_TASK:
		return "refused the task";
	case MR_STATUS_NOMEM:
		return "ran out of memory";
	case MR_STATUS_KERNEL:
		return "could not run the kernel";
	default:
		return "failed";
	}
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}
