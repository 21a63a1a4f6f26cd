/* journal.c - --checkpoint FILE: the finished chunks of a run, kept safe on disk */

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"

#define MAGIC		"mapreduce-journal\n"
#define MAGICLEN	18
#define HDR_FIXED	30	/* magic, version, idlen, fixcrc */
#define REC_HEAD	28	/* size, scrc, first, count, flags */
#define REC_MIN		32	/* REC_HEAD and the crc */
#define BLOCK		65536	/* bytes read at a time */

struct journal {
	int	fd;
	char	*path;
	uint32_t salt;		/* hcrc: every record's CRC starts from it */
	uint64_t start;		/* the first record's offset */
	uint64_t end;		/* the end of the last good record */
	int	broken;		/* a torn append could not be cut off */
	int	unsynced;	/* appended since the last fdatasync */
	struct timespec synced;	/* when that was */
	unsigned char *buf;	/* the reader's block, kept between scans */
	size_t	cap;
};

/* A window of the file, [off, off + fill), in j->buf; limit ends the file. */
struct reader {
	struct journal *j;
	uint64_t off;
	size_t	fill;
	uint64_t limit;
};

static void	say(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	crc_init(void);
static uint32_t	crc32c(uint32_t, const unsigned char *, size_t);
static uint32_t	le32(const unsigned char *);
static uint64_t	le64(const unsigned char *);
static void	put32(unsigned char *, uint32_t);
static void	put64(unsigned char *, uint64_t);
static int	write_iov(int, struct iovec *, int);
static const unsigned char *reader_get(struct reader *, uint64_t, size_t);
static int	record_at(struct reader *, uint64_t, struct journal_record *,
		    uint32_t *);
static int	scan(struct journal *, uint64_t,
		    int (*)(void *, const struct journal_record *), void *,
		    uint64_t *);
static int	header_check(struct journal *, uint64_t, const void *, size_t,
		    int *, char *, size_t);
static int	header_create(struct journal *, const void *, size_t);
static void	sync_dir(const char *);
static int64_t	elapsed_ns(const struct timespec *);
static uint64_t	hash_mix(uint64_t, uint64_t);

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
say(char *why, size_t wlen, const char *fmt, ...)
{
	va_list ap;

	if (wlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, wlen, fmt, ap);
	va_end(ap);
}

/* CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), 8 bytes a step. */
static void
crc_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^
			    crc_table[0][crc_table[k - 1][i] & 0xff];
}

/* The CRC of the bytes before (crc) followed by p[0..n): they chain. */
static uint32_t
crc32c(uint32_t crc, const unsigned char *p, size_t n)
{
	uint32_t a, b;

	crc = ~crc;
	for (; n >= 8; p += 8, n -= 8) {
		a = crc ^ le32(p);
		b = le32(p + 4);
		crc = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
		    crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
		    crc_table[3][b & 0xff] ^ crc_table[2][(b >> 8) & 0xff] ^
		    crc_table[1][(b >> 16) & 0xff] ^ crc_table[0][b >> 24];
	}
	for (; n > 0; p++, n--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p) & 0xff];
	return ~crc;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Write all of iov[0..n) (the descriptor appends); it is consumed. */
static int
write_iov(int fd, struct iovec *iov, int n)
{
	ssize_t w;
	size_t left;

	while (n > 0) {
		if (iov->iov_len == 0) {
			iov++, n--;
			continue;
		}
		if ((w = writev(fd, iov, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (left = (size_t)w; n > 0 && left >= iov->iov_len; iov++, n--)
			left -= iov->iov_len;
		if (left > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return 0;
}

/*
 * n bytes of the file at offset at, which the caller has checked lie before
 * rd->limit; valid until the next call.  NULL with errno on a read error,
 * or EIO if the file ends before its limit.
 */
static const unsigned char *
reader_get(struct reader *rd, uint64_t at, size_t n)
{
	struct journal *j = rd->j;
	unsigned char *nb;
	size_t keep, want;
	ssize_t got;

	if (at >= rd->off && at - rd->off <= rd->fill &&
	    rd->fill - (at - rd->off) >= n)
		return j->buf + (at - rd->off);
	keep = 0;
	if (at >= rd->off && at - rd->off < rd->fill) {
		keep = rd->fill - (size_t)(at - rd->off);
		memmove(j->buf, j->buf + (at - rd->off), keep);
	}
	rd->off = at;
	rd->fill = keep;
	if (j->cap < n || j->cap < BLOCK) {
		want = n > BLOCK ? n : BLOCK;
		if ((nb = realloc(j->buf, want)) == NULL)
			return NULL;
		j->buf = nb;
		j->cap = want;
	}
	while (rd->fill < n) {
		want = j->cap - rd->fill;
		if (want > rd->limit - (rd->off + rd->fill))
			want = (size_t)(rd->limit - (rd->off + rd->fill));
		got = pread(j->fd, j->buf + rd->fill, want,
		    (off_t)(rd->off + rd->fill));
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return NULL;
		if (got == 0) {
			errno = EIO;
			return NULL;
		}
		rd->fill += (size_t)got;
	}
	return j->buf + (at - rd->off);
}

/*
 * The record at offset at: 1 with *r and its *size if every byte checks,
 * 0 if it does not (or the file ends first), -1 with errno on a read error.
 */
static int
record_at(struct reader *rd, uint64_t at, struct journal_record *r,
    uint32_t *size)
{
	const unsigned char *p;
	uint32_t n, salt = rd->j->salt;

	if (rd->limit - at < REC_MIN)
		return 0;
	if ((p = reader_get(rd, at, 8)) == NULL)
		return -1;
	n = le32(p);
	if (crc32c(salt, p, 4) != le32(p + 4) || n < REC_MIN ||
	    n > rd->limit - at)
		return 0;
	if ((p = reader_get(rd, at, n)) == NULL)
		return -1;
	if (crc32c(salt, p, n - 4) != le32(p + n - 4))
		return 0;
	r->first = le64(p + 8);
	r->count = le64(p + 16);
	r->flags = le32(p + 24);
	r->bytes = p + REC_HEAD;
	r->len = n - REC_MIN;
	if (r->count == 0 || r->first > UINT64_MAX - r->count)
		return 0;
	*size = n;
	return 1;
}

/*
 * The good records from j->start up to limit, each given to fn if there is
 * one; *good is the end of the last.  Returns 0, fn's value if not 0, or
 * -1 with errno.
 */
static int
scan(struct journal *j, uint64_t limit,
    int (*fn)(void *, const struct journal_record *), void *arg,
    uint64_t *good)
{
	struct reader rd = { j, 0, 0, limit };
	struct journal_record r;
	uint64_t at;
	uint32_t size;
	int rc;

	for (at = j->start; ; at += size) {
		if ((rc = record_at(&rd, at, &r, &size)) == -1)
			return -1;
		if (rc == 0)
			break;
		if (fn != NULL && (rc = fn(arg, &r)) != 0)
			return rc;
	}
	*good = at;
	return 0;
}

/*
 * Check the header of a file of size bytes against the task's id; set
 * j->salt and j->start.  0, or -1 with *code and why.
 */
static int
header_check(struct journal *j, uint64_t size, const void *id, size_t idlen,
    int *code, char *why, size_t wlen)
{
	struct reader rd = { j, 0, 0, size };
	const unsigned char *p;
	uint64_t at, idend;
	uint32_t crc, fidlen;
	size_t n;
	int same;

	n = size < HDR_FIXED ? (size_t)size : HDR_FIXED;
	if ((p = reader_get(&rd, 0, n)) == NULL)
		goto ioerr;
	if (memcmp(p, MAGIC, n < MAGICLEN ? n : MAGICLEN) != 0) {
		say(why, wlen, "checkpoint '%s' is not a mapreduce journal "
		    "(left as it is): give another file", j->path);
		return -1;
	}
	if (size < HDR_FIXED + 4 || crc32c(0, p, HDR_FIXED - 4) !=
	    le32(p + HDR_FIXED - 4) || le32(p + 22) > size - HDR_FIXED - 4)
		goto damaged;
	if (le32(p + 18) != JOURNAL_VERSION) {
		say(why, wlen, "checkpoint '%s' is a journal of format %u, "
		    "this mapreduce reads format %d: finish it with the "
		    "mapreduce that wrote it, or remove it to start over",
		    j->path, le32(p + 18), JOURNAL_VERSION);
		return -1;
	}
	fidlen = le32(p + 22);
	crc = crc32c(0, p, HDR_FIXED);
	idend = HDR_FIXED + (uint64_t)fidlen;
	same = fidlen == idlen;
	for (at = HDR_FIXED; at < idend; at += n) {
		n = idend - at < BLOCK ? (size_t)(idend - at) : BLOCK;
		if ((p = reader_get(&rd, at, n)) == NULL)
			goto ioerr;
		crc = crc32c(crc, p, n);
		if (same && memcmp(p, (const unsigned char *)id +
		    (at - HDR_FIXED), n) != 0)
			same = 0;
	}
	if ((p = reader_get(&rd, idend, 4)) == NULL)
		goto ioerr;
	if (crc != le32(p))
		goto damaged;
	if (!same) {
		say(why, wlen, "checkpoint '%s' is another task's journal "
		    "(its map, reduce, ranges, expression or kernel differ): "
		    "give another file, or remove it to start over", j->path);
		return -1;
	}
	j->salt = crc;
	j->start = idend + 4;
	return 0;

damaged:
	say(why, wlen, "checkpoint '%s' has a damaged header: remove it to "
	    "start over", j->path);
	return -1;
ioerr:
	say(why, wlen, "cannot read checkpoint '%s': %s", j->path,
	    strerror(errno));
	*code = 1;
	return -1;
}

/* Write the header into the empty file, and make it and its name durable. */
static int
header_create(struct journal *j, const void *id, size_t idlen)
{
	unsigned char fixed[HDR_FIXED], tail[4];
	struct iovec iov[3];
	uint32_t crc;

	memcpy(fixed, MAGIC, MAGICLEN);
	put32(fixed + 18, JOURNAL_VERSION);
	put32(fixed + 22, (uint32_t)idlen);
	put32(fixed + 26, crc32c(0, fixed, HDR_FIXED - 4));
	crc = crc32c(crc32c(0, fixed, HDR_FIXED), id, idlen);
	put32(tail, crc);
	iov[0].iov_base = fixed;
	iov[0].iov_len = sizeof(fixed);
	iov[1].iov_base = (void *)(uintptr_t)id;
	iov[1].iov_len = idlen;
	iov[2].iov_base = tail;
	iov[2].iov_len = sizeof(tail);
	if (write_iov(j->fd, iov, 3) == -1 || fdatasync(j->fd) == -1)
		return -1;
	sync_dir(j->path);
	j->salt = crc;
	j->start = j->end = HDR_FIXED + idlen + 4;
	return 0;
}

/*
 * fsync the directory that holds path, so that a new file's name survives
 * a power cut.  At best: some file systems cannot sync a directory, and
 * the file's own data are synced anyway.
 */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

struct journal *
journal_open(const char *path, const void *id, size_t idlen,
    uint64_t *damaged, int *code, char *why, size_t wlen)
{
	struct journal *j;
	struct stat st;
	uint64_t size, good;

	*damaged = 0;
	*code = 1;
	pthread_once(&crc_once, crc_init);
	if (idlen > JOURNAL_MAXID) {
		say(why, wlen, "checkpoint '%s': task id of %zu bytes, more "
		    "than %u", path, idlen, JOURNAL_MAXID);
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->path = strdup(path)) == NULL) {
		say(why, wlen, "checkpoint '%s': %s", path, strerror(errno));
		free(j);
		return NULL;
	}
	*code = 2;
	j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (j->fd == -1) {
		say(why, wlen, "cannot open checkpoint '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	if (fstat(j->fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		say(why, wlen, "checkpoint '%s' is not a regular file: give "
		    "another file", path);
		goto fail;
	}
	if (flock(j->fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			say(why, wlen, "checkpoint '%s' is in use by another "
			    "run: wait for it to end, or give another file",
			    path);
		else
			say(why, wlen, "cannot lock checkpoint '%s': %s",
			    path, strerror(errno));
		goto fail;
	}
	*code = 1;
	if (fstat(j->fd, &st) == -1) {
		say(why, wlen, "cannot read checkpoint '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	size = (uint64_t)st.st_size;
	if (size == 0) {
		if (header_create(j, id, idlen) == -1) {
			say(why, wlen, "cannot write checkpoint '%s': %s",
			    path, strerror(errno));
			(void)ftruncate(j->fd, 0);
			goto fail;
		}
	} else {
		*code = 2;
		if (header_check(j, size, id, idlen, code, why, wlen) == -1)
			goto fail;
		*code = 1;
		if (scan(j, size, NULL, NULL, &good) == -1) {
			say(why, wlen, "cannot read checkpoint '%s': %s",
			    path, strerror(errno));
			goto fail;
		}
		if (good < size && (ftruncate(j->fd, (off_t)good) == -1 ||
		    fdatasync(j->fd) == -1)) {
			say(why, wlen, "cannot cut the damaged tail off "
			    "checkpoint '%s': %s", path, strerror(errno));
			goto fail;
		}
		*damaged = size - good;
		j->end = good;
	}
	clock_gettime(CLOCK_MONOTONIC, &j->synced);
	*code = 0;
	return j;

fail:
	journal_close(j);
	return NULL;
}

int
journal_replay(struct journal *j,
    int (*fn)(void *, const struct journal_record *), void *arg)
{
	uint64_t good;
	int rc;

	if ((rc = scan(j, j->end, fn, arg, &good)) != 0)
		return rc;
	if (good != j->end) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
journal_append(struct journal *j, const struct journal_record *r)
{
	unsigned char head[REC_HEAD], tail[4];
	struct iovec iov[3];
	uint32_t size;
	int e;

	if (r->count == 0 || r->first > UINT64_MAX - r->count ||
	    r->len > JOURNAL_MAXLEN) {
		errno = EINVAL;
		return -1;
	}
	if (j->broken) {
		errno = EIO;
		return -1;
	}
	size = (uint32_t)(r->len + REC_MIN);
	put32(head, size);
	put32(head + 4, crc32c(j->salt, head, 4));
	put64(head + 8, r->first);
	put64(head + 16, r->count);
	put32(head + 24, r->flags);
	put32(tail, crc32c(crc32c(j->salt, head, REC_HEAD), r->bytes, r->len));
	iov[0].iov_base = head;
	iov[0].iov_len = sizeof(head);
	iov[1].iov_base = (void *)(uintptr_t)r->bytes;
	iov[1].iov_len = r->len;
	iov[2].iov_base = tail;
	iov[2].iov_len = sizeof(tail);
	if (write_iov(j->fd, iov, 3) == -1) {
		e = errno;
		if (ftruncate(j->fd, (off_t)j->end) == -1)
			j->broken = 1;
		errno = e;
		return -1;
	}
	j->end += size;
	j->unsynced = 1;
	return journal_tick(j);
}

static int64_t
elapsed_ns(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((int64_t)now.tv_sec - (int64_t)t->tv_sec) * 1000000000 +
	    (now.tv_nsec - t->tv_nsec);
}

int
journal_tick(struct journal *j)
{
	if (!j->unsynced || elapsed_ns(&j->synced) < JOURNAL_SYNC_NS)
		return 0;
	return journal_sync(j);
}

int
journal_sync(struct journal *j)
{
	if (fdatasync(j->fd) == -1)
		return -1;
	j->unsynced = 0;
	clock_gettime(CLOCK_MONOTONIC, &j->synced);
	return 0;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	if (j->fd != -1) {
		if (j->unsynced)
			(void)fdatasync(j->fd);
		close(j->fd);
	}
	free(j->buf);
	free(j->path);
	free(j);
}

int
journal_remove(struct journal *j)
{
	struct stat a, b;

	if (fstat(j->fd, &a) == -1 || stat(j->path, &b) == -1)
		return -1;
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		errno = ESTALE;
		return -1;
	}
	if (unlink(j->path) == -1)
		return -1;
	j->unsynced = 0;
	return 0;
}

/*
 * One step of the file hash: for a given word, a bijection of the state
 * (xor, times an odd number, xorshift), so two inputs that differ in one
 * word leave different states, and equal words after keep them different.
 */
static uint64_t
hash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15u;
	return h ^ h >> 29;
}

int
journal_hash_file(const char *path, uint64_t *hash)
{
	unsigned char buf[16384];
	uint64_t h = 0xcbf29ce484222325u, total = 0, w;
	size_t fill, i, k;
	ssize_t got;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	do {
		/* Full blocks, so that words never straddle two reads. */
		for (fill = 0; fill < sizeof(buf); fill += (size_t)got) {
			got = read(fd, buf + fill, sizeof(buf) - fill);
			if (got == -1 && errno == EINTR) {
				got = 0;
				continue;
			}
			if (got == -1) {
				e = errno;
				close(fd);
				errno = e;
				return -1;
			}
			if (got == 0)
				break;
		}
		for (i = 0; i < fill; i += 8) {
			w = 0;
			for (k = 0; k < 8 && i + k < fill; k++)
				w |= (uint64_t)buf[i + k] << (8 * k);
			h = hash_mix(h, w);
		}
		total += fill;
	} while (fill == sizeof(buf));
	close(fd);
	/* The length, then murmur3's finalizer (also a bijection). */
	h ^= total;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	*hash = h;
	return 0;
}
