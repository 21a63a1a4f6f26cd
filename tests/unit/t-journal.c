/*
 * t-journal.c - unit tests of journal.c: records come back as written, and
 * a damaged journal never gives back a record that was not written
 *
 * The expected bytes of a journal are built here from journal.h's format
 * with a bit-at-a-time CRC-32C, itself checked against the standard's
 * check value; the expected records are the test's own.  The damage cases
 * cut a small journal at every byte and flip each of its bits in turn.
 * T_JOURNAL_N=1000000 times the replay of that many small records.
 */

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "rng.h"
#include "tap.h"

struct rec {
	uint64_t first, count;
	uint32_t flags;
	unsigned char *bytes;
	size_t	len;
};

/* What a replay gave: copies of the records, or the first difference. */
struct seen {
	const struct rec *want;
	size_t	nwant, n;
	int	bad;
	int	stop_at;	/* return 7 at this record (1-based), or 0 */
};

static char dir[4096], path[4200];

/* CRC-32C one bit at a time, straight from the polynomial. */
static uint32_t
ref_crc(uint32_t crc, const unsigned char *p, size_t n)
{
	int k;

	crc = ~crc;
	while (n-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void
le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* The bytes of the file, or NULL; *len its size. */
static unsigned char *
slurp(const char *p, size_t *len)
{
	unsigned char *b;
	struct stat st;
	FILE *f;

	if ((f = fopen(p, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == -1 || (b = malloc((size_t)st.st_size +
	    1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(b, 1, (size_t)st.st_size, f);
	fclose(f);
	return b;
}

static int
spit(const char *p, const unsigned char *b, size_t len)
{
	FILE *f;
	int rc;

	if ((f = fopen(p, "wb")) == NULL)
		return -1;
	rc = fwrite(b, 1, len, f) == len ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

/* The file holds exactly b[0..len). */
static int
same_file(const unsigned char *b, size_t len)
{
	unsigned char *now;
	size_t n;
	int same;

	if ((now = slurp(path, &n)) == NULL)
		return 0;
	same = n == len && memcmp(now, b, len) == 0;
	free(now);
	return same;
}

static int
collect(void *arg, const struct journal_record *r)
{
	struct seen *s = arg;
	const struct rec *w;

	if (s->n >= s->nwant) {
		s->bad = 1;
		return 0;
	}
	w = &s->want[s->n++];
	if (r->first != w->first || r->count != w->count ||
	    r->flags != w->flags || r->len != w->len ||
	    (w->len > 0 && memcmp(r->bytes, w->bytes, w->len) != 0))
		s->bad = 1;
	if (s->stop_at > 0 && s->n == (size_t)s->stop_at)
		return 7;
	return 0;
}

/* The journal replays exactly want[0..n). */
static int
replays(struct journal *j, const struct rec *want, size_t n)
{
	struct seen s = { want, n, 0, 0, 0 };

	return journal_replay(j, collect, &s) == 0 && !s.bad && s.n == n;
}

static int
append(struct journal *j, const struct rec *r)
{
	struct journal_record jr = { r->first, r->count, r->flags, r->bytes,
	    r->len };

	return journal_append(j, &jr);
}

static struct journal *
jopen(const char *id, uint64_t *damaged, int *code, char *why)
{
	return journal_open(path, id, strlen(id), damaged, code, why, 256);
}

static struct rec
random_rec(size_t len)
{
	struct rec r;
	size_t i;

	r.first = rng() >> (rng() % 64);
	r.count = 1 + (rng() >> (1 + rng() % 63));
	if (r.first > UINT64_MAX - r.count)
		r.first = 0;
	r.flags = (uint32_t)rng();
	r.len = len;
	r.bytes = len > 0 ? malloc(len) : NULL;
	for (i = 0; i < len; i++)
		r.bytes[i] = (unsigned char)rng();
	return r;
}

static void
free_recs(struct rec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(r[i].bytes);
}

/* The checksum that the tests below trust, and journal.h's layout. */
static void
format(void)
{
	static const unsigned char part[] = "xyz";
	unsigned char want[34 + 3 + 35], *got;
	struct rec r = { 5, 7, 0x11, (unsigned char *)part, 3 };
	struct journal *j;
	char why[256];
	uint64_t damaged;
	uint32_t hcrc;
	size_t n;
	int code;

	ok(ref_crc(0, (const unsigned char *)"123456789", 9) == 0xe3069283u,
	    "reference CRC-32C of '123456789' is 0xe3069283");
	memcpy(want, "mapreduce-journal\n", 18);
	le(want + 18, 1, 4);
	le(want + 22, 3, 4);
	le(want + 26, ref_crc(0, want, 26), 4);
	memcpy(want + 30, "abc", 3);
	hcrc = ref_crc(0, want, 33);
	le(want + 33, hcrc, 4);
	le(want + 37, 35, 4);
	le(want + 41, ref_crc(hcrc, want + 37, 4), 4);
	le(want + 45, 5, 8);
	le(want + 53, 7, 8);
	le(want + 61, 0x11, 4);
	memcpy(want + 65, part, 3);
	le(want + 68, ref_crc(hcrc, want + 37, 31), 4);

	unlink(path);
	j = jopen("abc", &damaged, &code, why);
	ok(j != NULL && append(j, &r) == 0, "a new journal takes a record");
	journal_close(j);
	got = slurp(path, &n);
	ok(got != NULL && n == sizeof(want) && memcmp(got, want, n) == 0,
	    "its bytes are journal.h's format (%zu bytes)", n);
	free(got);
}

/* Records of random sizes, 0 bytes to 1 MB, back as written. */
static void
round_trip(void)
{
	struct rec r[260];
	struct journal *j;
	char why[256];
	uint64_t damaged;
	size_t i, n, len;
	int code, good;

	for (i = 0; i < 260; i++) {
		switch (rng() % 8) {
		case 0:
			len = 0;
			break;
		case 1:
			len = 1000000 + (size_t)(rng() % 50000);
			break;
		case 2:
			len = (size_t)(rng() % 100000);
			break;
		default:
			len = (size_t)(rng() % 64);
		}
		r[i] = random_rec(i < 2 ? i * 1048576 : len);
	}
	unlink(path);
	j = jopen("task one", &damaged, &code, why);
	good = j != NULL;
	for (i = 0; good && i < 200; i++)
		good = append(j, &r[i]) == 0;
	ok(good && replays(j, r, 200), "200 records of 0 to %d bytes replay "
	    "in the same open", 1050000);
	ok(j != NULL && journal_sync(j) == 0, "journal_sync");
	journal_close(j);
	j = jopen("task one", &damaged, &code, why);
	ok(j != NULL && damaged == 0 && replays(j, r, 200),
	    "reopened: 200 records, nothing damaged");
	good = j != NULL;
	for (n = 200; good && n < 260; n++)
		good = append(j, &r[n]) == 0;
	journal_close(j);
	j = jopen("task one", &damaged, &code, why);
	ok(good && j != NULL && damaged == 0 && replays(j, r, 260),
	    "appended after a reopen: all 260 replay in order");
	journal_close(j);
	free_recs(r, 260);
}

/* Another task's journal, not a journal: refused, file left alone. */
static void
refusals(void)
{
	static const unsigned char text[] = "first line\nsecond line\n";
	unsigned char *before;
	struct journal *j;
	char why[256];
	uint64_t damaged;
	size_t n;
	int code;

	unlink(path);
	j = jopen("task one", &damaged, &code, why);
	journal_close(j);
	before = slurp(path, &n);
	j = jopen("task onf", &damaged, &code, why);
	ok(j == NULL && code == 2 && strstr(why, path) != NULL &&
	    strstr(why, "another task") != NULL && same_file(before, n),
	    "another id of the same length: exit 2, file untouched: %s", why);
	journal_close(j);
	before[18] = 2;				/* format 2, CRCs right */
	le(before + 26, ref_crc(0, before, 26), 4);
	le(before + 38, ref_crc(0, before, 38), 4);
	spit(path, before, n);
	j = jopen("task one", &damaged, &code, why);
	ok(j == NULL && code == 2 && strstr(why, "format 2") != NULL &&
	    same_file(before, n), "a journal of format 2: exit 2: %s", why);
	journal_close(j);
	before[18] = 1;
	le(before + 26, ref_crc(0, before, 26), 4);
	le(before + 38, ref_crc(0, before, 38), 4);
	spit(path, before, n);
	j = jopen("task one, longer", &damaged, &code, why);
	ok(j == NULL && code == 2 && strstr(why, "another task") != NULL &&
	    same_file(before, n), "a longer id: exit 2, file untouched");
	journal_close(j);
	j = journal_open(path, "", 0, &damaged, &code, why, sizeof(why));
	ok(j == NULL && code == 2 && same_file(before, n),
	    "an empty id: exit 2");
	journal_close(j);
	free(before);

	spit(path, text, sizeof(text) - 1);
	j = jopen("task one", &damaged, &code, why);
	ok(j == NULL && code == 2 && strstr(why, "not a mapreduce journal") !=
	    NULL && same_file(text, sizeof(text) - 1),
	    "a text file: exit 2, untouched: %s", why);
	journal_close(j);

	j = journal_open(dir, "x", 1, &damaged, &code, why, sizeof(why));
	ok(j == NULL && code == 2 && strstr(why, dir) != NULL,
	    "a directory: exit 2: %s", why);
	journal_close(j);
	j = journal_open("/nonexistent/dir/file", "x", 1, &damaged, &code,
	    why, sizeof(why));
	ok(j == NULL && code == 2 && strstr(why, "No such file") != NULL,
	    "cannot create: exit 2 with strerror: %s", why);
	journal_close(j);
}

/* An empty file is a new journal; a second open is locked out. */
static void
empty_and_lock(void)
{
	struct rec r = random_rec(10);
	struct journal *j, *k;
	char why[256];
	uint64_t damaged;
	size_t n;
	unsigned char *b;
	int code;

	spit(path, (const unsigned char *)"", 0);
	j = jopen("task two", &damaged, &code, why);
	ok(j != NULL && damaged == 0 && replays(j, NULL, 0) &&
	    append(j, &r) == 0, "an empty file is a new journal");
	b = slurp(path, &n);
	k = jopen("task two", &damaged, &code, why);
	ok(k == NULL && code == 2 && strstr(why, "in use by another run") !=
	    NULL && same_file(b, n), "a second open is locked out: %s", why);
	journal_close(k);
	free(b);
	journal_close(j);
	k = jopen("task two", &damaged, &code, why);
	ok(k != NULL && replays(k, &r, 1), "after close it opens, 1 record");
	journal_close(k);
	free_recs(&r, 1);
}

/*
 * The damage cases: a journal of 3 records, cut at each byte and with each
 * bit flipped.  Within the header it must be refused with the file left as
 * it was; within record k (or after), records 0..k-1 replay, the rest is
 * cut off and counted, and a record appended after them replays too.
 */
struct small {
	unsigned char *b;
	size_t	len, hdr, end[3];
	struct rec r[4];	/* 3 in the file, 1 to append after */
};

static void
small_build(struct small *s)
{
	static const size_t lens[3] = { 0, 5, 17 };
	struct journal *j;
	char why[256];
	uint64_t damaged;
	int code, i;

	unlink(path);
	j = jopen("small task", &damaged, &code, why);
	s->hdr = 34 + strlen("small task");
	for (i = 0; i < 4; i++)
		s->r[i] = random_rec(i < 3 ? lens[i] : 9);
	for (i = 0; i < 3; i++) {
		append(j, &s->r[i]);
		s->end[i] = (i > 0 ? s->end[i - 1] : s->hdr) + 32 + lens[i];
	}
	journal_close(j);
	s->b = slurp(path, &s->len);
}

/* The file at path is damaged: does the journal behave as above? */
static int
damage_ok(const struct small *s, const unsigned char *now, size_t len,
    size_t at)
{
	struct journal *j;
	char why[256];
	uint64_t damaged, keep;
	size_t k;
	int code, good;

	j = jopen("small task", &damaged, &code, why);
	if (len > 0 && at < s->hdr) {
		good = j == NULL && code == 2 && same_file(now, len) &&
		    strstr(why, at < 18 && len > at ? "not a mapreduce journal" :
		    "damaged header") != NULL;
		journal_close(j);
		return good;
	}
	for (k = 0; k < 3 && s->end[k] <= len && s->end[k] <= at; k++)
		;
	keep = k > 0 ? s->end[k - 1] : len == 0 ? 0 : s->hdr;
	good = j != NULL && damaged == len - keep && replays(j, s->r, k) &&
	    same_file(s->b, len == 0 ? s->hdr : keep);
	if (good) {
		good = append(j, &s->r[3]) == 0;
		journal_close(j);
		j = jopen("small task", &damaged, &code, why);
		if (good && j != NULL && damaged == 0) {
			struct rec both[4];

			memcpy(both, s->r, k * sizeof(both[0]));
			both[k] = s->r[3];
			good = replays(j, both, k + 1);
		} else
			good = 0;
	}
	journal_close(j);
	return good;
}

static void
truncations(const struct small *s)
{
	size_t len, bad = 0, first = 0;

	for (len = 0; len <= s->len; len++) {
		spit(path, s->b, len);
		if (!damage_ok(s, s->b, len, len) && bad++ == 0)
			first = len;
	}
	ok(bad == 0, "cut at each of %zu bytes: refused in the header, else "
	    "the whole records before the cut (%zu wrong, first at %zu)",
	    s->len + 1, bad, first);
}

static void
bit_flips(const struct small *s)
{
	unsigned char *b = malloc(s->len);
	size_t bit, bad = 0, first = 0;

	memcpy(b, s->b, s->len);
	for (bit = 0; bit < 8 * s->len; bit++) {
		b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		spit(path, b, s->len);
		if (!damage_ok(s, b, s->len, bit / 8) && bad++ == 0)
			first = bit;
		b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	ok(bad == 0, "each of %zu bits flipped: refused in the header, else "
	    "the records before it (%zu wrong, first at bit %zu)",
	    8 * s->len, bad, first);
	free(b);
}

/* Garbage after the last record, and a record of another journal. */
static void
garbage(const struct small *s)
{
	unsigned char *b, *other;
	struct journal *j;
	char why[256];
	uint64_t damaged;
	size_t n, i, bad = 0;
	int code;

	b = malloc(s->len + 100);
	memcpy(b, s->b, s->len);
	for (n = 1; n <= 100; n++) {
		for (i = 0; i < n; i++)
			b[s->len + i] = (unsigned char)rng();
		spit(path, b, s->len + n);
		j = jopen("small task", &damaged, &code, why);
		if (j == NULL || damaged != n || !replays(j, s->r, 3) ||
		    !same_file(s->b, s->len))
			bad++;
		journal_close(j);
	}
	ok(bad == 0, "1 to 100 random bytes after the last record: dropped, "
	    "counted, 3 records kept (%zu wrong)", bad);

	/* The same records under another id: its first record appended. */
	unlink(path);
	j = jopen("other task", &damaged, &code, why);
	for (i = 0; j != NULL && i < 3; i++)
		append(j, &s->r[i]);
	journal_close(j);
	other = slurp(path, &n);
	memcpy(b, s->b, s->len);
	memcpy(b + s->len, other + 34 + 10, 32);	/* r[0], 0 bytes */
	spit(path, b, s->len + 32);
	j = jopen("small task", &damaged, &code, why);
	ok(j != NULL && damaged == 32 && replays(j, s->r, 3),
	    "a record copied from another task's journal is dropped");
	journal_close(j);
	free(other);
	free(b);
}

/*
 * A size with one bit flipped, followed by the bytes that make the longer
 * record's CRC check: only the size's own check can tell, and must.
 */
static void
flipped_size(const struct small *s)
{
	unsigned char *b = malloc(s->len + 8);
	struct journal *j;
	char why[256];
	uint64_t damaged;
	uint32_t hcrc;
	size_t at = s->end[1], n = s->end[2] - at;	/* r[2], 49 bytes */
	int code;

	memcpy(b, s->b, s->len);
	b[at] ^= 8;				/* 49 + 8 bytes */
	memset(b + s->len, 0xa5, 4);
	hcrc = ref_crc(0, s->b, s->hdr - 4);
	le(b + s->len + 4, ref_crc(hcrc, b + at, n + 4), 4);
	spit(path, b, s->len + 8);
	j = jopen("small task", &damaged, &code, why);
	ok(j != NULL && damaged == n + 8 && replays(j, s->r, 2),
	    "a flipped size whose longer record would check: dropped");
	journal_close(j);
	free(b);
}

/* Records whose CRCs check but whose chunk cannot be: dropped. */
static void
bad_chunk(const struct small *s)
{
	static const uint64_t fc[2][2] = { { 5, 0 }, { UINT64_MAX, 1 } };
	unsigned char *b = malloc(s->len + 32);
	struct journal *j;
	char why[256];
	uint64_t damaged;
	uint32_t hcrc = ref_crc(0, s->b, s->hdr - 4);
	unsigned char *r = b + s->len;
	int code, i, bad = 0;

	memcpy(b, s->b, s->len);
	for (i = 0; i < 2; i++) {
		le(r, 32, 4);
		le(r + 4, ref_crc(hcrc, r, 4), 4);
		le(r + 8, fc[i][0], 8);
		le(r + 16, fc[i][1], 8);
		le(r + 24, 1, 4);
		le(r + 28, ref_crc(hcrc, r, 28), 4);
		spit(path, b, s->len + 32);
		j = jopen("small task", &damaged, &code, why);
		if (j == NULL || damaged != 32 || !replays(j, s->r, 3))
			bad++;
		journal_close(j);
	}
	ok(bad == 0, "a record of count 0, or past 2^64 - 1, is dropped");
	free(b);
}

/* A write that fails half way leaves the journal as it was. */
static void
failed_append(const struct small *s)
{
	struct rec big = random_rec(5000);
	struct journal *j;
	struct rlimit old, lim;
	char why[256];
	uint64_t damaged;
	int code, rc, e;

	spit(path, s->b, s->len);
	j = jopen("small task", &damaged, &code, why);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = s->len + 1000;
	setrlimit(RLIMIT_FSIZE, &lim);
	rc = j != NULL ? append(j, &big) : 0;
	e = errno;
	setrlimit(RLIMIT_FSIZE, &old);
	ok(rc == -1 && e == EFBIG, "a record past the file size limit: -1, "
	    "EFBIG");
	ok(j != NULL && same_file(s->b, s->len), "its written part is cut "
	    "off again");
	ok(j != NULL && append(j, &s->r[3]) == 0, "the next append works");
	journal_close(j);
	j = jopen("small task", &damaged, &code, why);
	{
		struct rec four[4] = { s->r[0], s->r[1], s->r[2], s->r[3] };

		ok(j != NULL && damaged == 0 && replays(j, four, 4),
		    "reopened: the 3 records and the one after, no damage");
	}
	journal_close(j);
	free_recs(&big, 1);
}

static void
misc(const struct small *s)
{
	struct journal_record r = { 0, 0, 0, NULL, 0 };
	struct seen seen = { s->r, 3, 0, 0, 2 };
	struct journal *j;
	char why[256], moved[4300];
	uint64_t damaged;
	int code, rc1, rc2;

	spit(path, s->b, s->len);
	j = jopen("small task", &damaged, &code, why);
	rc1 = journal_append(j, &r) == -1 && errno == EINVAL;
	r.first = UINT64_MAX;
	r.count = 1;
	rc2 = journal_append(j, &r) == -1 && errno == EINVAL;
	ok(rc1 && rc2 && same_file(s->b, s->len),
	    "count 0 or first + count past 2^64 - 1: EINVAL, nothing written");
	ok(journal_replay(j, collect, &seen) == 7 && seen.n == 2 && !seen.bad,
	    "replay stops with the callback's value");
	ok(journal_tick(j) == 0 && journal_sync(j) == 0, "tick and sync");
	ok(journal_remove(j) == 0 && access(path, F_OK) == -1,
	    "journal_remove removes the file");
	journal_close(j);

	spit(path, s->b, s->len);
	j = jopen("small task", &damaged, &code, why);
	snprintf(moved, sizeof(moved), "%s/moved", dir);
	rename(path, moved);
	spit(path, s->b, 10);
	ok(j != NULL && journal_remove(j) == -1 && errno == ESTALE &&
	    same_file(s->b, 10), "journal_remove leaves another file alone");
	journal_close(j);
	unlink(moved);
}

static void
hash_file(void)
{
	static unsigned char b[100003];
	static const size_t at[] = { 0, 1, 7, 8, 4095, 16383, 16384, 50000,
	    100000, 100002 };
	uint64_t h0, h, h2;
	size_t i, bad = 0;
	unsigned char x;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)rng();
	spit(path, b, sizeof(b));
	ok(journal_hash_file(path, &h0) == 0 && journal_hash_file(path, &h2)
	    == 0 && h0 == h2, "journal_hash_file is repeatable");
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		x = (unsigned char)(1 + rng() % 255);
		b[at[i]] ^= x;
		spit(path, b, sizeof(b));
		if (journal_hash_file(path, &h) != 0 || h == h0)
			bad++;
		b[at[i]] ^= x;
	}
	ok(bad == 0, "one byte changed at %zu places: the hash differs each "
	    "time", sizeof(at) / sizeof(at[0]));
	b[sizeof(b) - 1] = 0;
	spit(path, b, sizeof(b));
	ok(journal_hash_file(path, &h0) == 0, "hash of a file ending in 0");
	spit(path, b, sizeof(b) - 1);
	ok(journal_hash_file(path, &h) == 0 && h != h0, "without its last "
	    "byte, 0: differs");
	ok(journal_hash_file("/nonexistent", &h) == -1 && errno == ENOENT,
	    "a missing file: -1, ENOENT");
}

static int
count_cb(void *arg, const struct journal_record *r)
{
	uint64_t *sum = arg;

	*sum += r->first + r->len;
	return 0;
}

static double
seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Many small records: replay is linear; its time is printed. */
static void
many(void)
{
	const char *e = getenv("T_JOURNAL_N");
	unsigned char part[16] = { 0 };
	struct journal_record r = { 0, 1, 1, part, sizeof(part) };
	struct journal *j;
	char why[256];
	uint64_t damaged, i, n, want = 0, sum = 0;
	double t0, t1, t2;
	int code, good;

	n = e != NULL ? strtoull(e, NULL, 10) : 20000;
	unlink(path);
	j = jopen("many", &damaged, &code, why);
	good = j != NULL;
	t0 = seconds();
	for (i = 0; good && i < n; i++) {
		r.first = i;
		want += i + sizeof(part);
		good = journal_append(j, &r) == 0;
	}
	journal_close(j);
	t1 = seconds();
	j = jopen("many", &damaged, &code, why);
	good = good && j != NULL && damaged == 0 &&
	    journal_replay(j, count_cb, &sum) == 0 && sum == want;
	t2 = seconds();
	journal_close(j);
	ok(good, "%llu records of 16 bytes replay", (unsigned long long)n);
	printf("# %llu records: append %.3f s, open and replay %.3f s\n",
	    (unsigned long long)n, t1 - t0, t2 - t1);
}

int
main(void)
{
	struct small s;

	rng_state = 0x6a6f75726e616c;
	snprintf(dir, sizeof(dir), "%s/t-journal.XXXXXX", getenv("TMPDIR") !=
	    NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/ckpt", dir);
	format();
	round_trip();
	refusals();
	empty_and_lock();
	small_build(&s);
	truncations(&s);
	bit_flips(&s);
	garbage(&s);
	flipped_size(&s);
	bad_chunk(&s);
	failed_append(&s);
	misc(&s);
	hash_file();
	many();
	free_recs(s.r, 4);
	free(s.b);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
