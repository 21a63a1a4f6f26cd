/* journal.h - --checkpoint FILE: the finished chunks of a run, kept safe on disk */

#ifndef MR_JOURNAL_H
#define MR_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * A journal is an append-only file: a header that names the task, then one
 * record per finished chunk.  A record is written with write(2) as soon as
 * the chunk's partial arrives, so a killed manager loses nothing it wrote,
 * and flushed to the disk (fdatasync) at most JOURNAL_SYNC_NS after it is
 * appended when the caller keeps appending or calls journal_tick(), and at
 * once by journal_sync(), so that a power cut loses a few seconds at most.
 *
 * The file, all integers little-endian, CRC-32C the Castagnoli CRC (as in
 * iSCSI and ext4, initial value and final xor 0xffffffff):
 *
 *   header, 34 + idlen bytes:
 *	 0  magic	18 bytes, "mapreduce-journal\n"
 *	18  version	u32, JOURNAL_VERSION
 *	22  idlen	u32, bytes of the task's id
 *	26  fixcrc	u32, CRC-32C of bytes 0..26
 *	30  id		idlen bytes, opaque: built by the manager from the
 *			map, reduce, ranges, expression or kernel file's hash
 *			and protocol version
 *	30+idlen hcrc	u32, CRC-32C of bytes 0..30+idlen
 *
 *   then records, each of size bytes (size >= 32), back to back:
 *	 0  size	u32, the record's bytes, this field to crc included
 *	 4  scrc	u32, CRC-32C of the header through its id, then size
 *	 8  first	u64, the chunk's first element index
 *	16  count	u64, its element count, > 0, first + count < 2^64
 *	24  flags	u32, MR_RESULT_* flags of its partial
 *	28  bytes	size - 32 bytes, the encoded partial result
 *	size-4 crc	u32, CRC-32C of the header through its id, then the
 *			record through its bytes
 *
 * The fixcrc and scrc guard the lengths on their own, so that one flipped
 * bit in idlen or size is always found, not found with odds of 2^-32 by a
 * checksum read from the wrong place; the others then cover fixed ranges,
 * where CRC-32C finds any one flipped bit (and any burst of up to 32).
 * Starting every record's CRC from the header makes a record copied from
 * another journal fail its check.  A length is compared with the bytes
 * left in the file before anything is allocated or read.
 *
 * What the tool does with a journal (the policy of --checkpoint):
 *   - no file, or an empty one: a new journal; the header is written and
 *     synced (with the directory) before any work.
 *   - another task's journal, not a journal, a damaged or truncated
 *     header, a version this build does not read, or a file locked by a run
 *     in progress: refused in one line, exit 2, the file left as it is.
 *     No number is printed; nothing is computed.
 *   - a damaged tail (a record cut short, a checksum that does not match, or
 *     garbage after the last good record): the good records before it are
 *     kept, the rest is cut off at once, one warning line says how many
 *     bytes were dropped, and their chunks are computed again.  A record
 *     is never taken unless all its bytes check.
 * The journal keeps what was appended, byte for byte; it does not compare
 * records with each other: the caller checks that their chunks lie in the
 * task and do not overlap.  A struct journal belongs to one thread.
 */
#define JOURNAL_VERSION	1
#define JOURNAL_SYNC_NS	2000000000LL	/* at most 2 s between fdatasyncs */
#define JOURNAL_MAXID	(64u << 20)	/* the largest id journal_open takes */

struct journal;

struct journal_record {
	uint64_t first;		/* the chunk's first element index */
	uint64_t count;		/* its element count, > 0 */
	uint32_t flags;		/* MR_RESULT_* flags of its partial (opaque) */
	const unsigned char *bytes;	/* its encoded partial (opaque), len bytes */
	size_t	len;		/* at most JOURNAL_MAXLEN */
};
#define JOURNAL_MAXLEN	((size_t)UINT32_MAX - 32)

/*
 * Open or create path for the task named by id (idlen opaque bytes, at most
 * JOURNAL_MAXID), locked with flock(LOCK_EX | LOCK_NB) against a second run
 * until journal_close(); the descriptor is close-on-exec, so no child keeps
 * the lock.  A damaged tail is cut off here, and *damaged set to the bytes
 * dropped (0 if none), so that the caller can warn in one line, such as
 * "mapreduce: checkpoint 'FILE': damaged tail of N bytes dropped, its
 * chunks are computed again".
 *
 * Returns the journal, or NULL with *code the exit status and why one line
 * (no "mapreduce: " prefix, no newline, truncated to wlen bytes) that names
 * the file and says what to do: *code is 2 for another task's journal, not
 * a journal, a damaged header, a lock held by another run, a file that
 * cannot be opened or created; 1 for a failure to read or write it (EIO,
 * ENOSPC) or out of memory.
 */
struct journal *journal_open(const char *path, const void *id, size_t idlen,
	    uint64_t *damaged, int *code, char *why, size_t wlen);

/*
 * Call fn(arg, record) for each good record in file order; the record's
 * bytes live only until fn returns.  Returns 0 when all were seen, fn's
 * value as soon as it is not 0, or -1 with errno (EIO if a record that
 * checked at journal_open no longer does: the file changed under the lock).
 * Linear: the file is read once, in blocks, never mapped whole.
 */
int	journal_replay(struct journal *j,
	    int (*fn)(void *, const struct journal_record *), void *arg);

/*
 * Append one record with write(2) at the end of the file (O_APPEND), and
 * fdatasync if the last sync is JOURNAL_SYNC_NS old.  Returns 0, or -1 with
 * errno: EINVAL for count 0, first + count past 2^64 - 1 or len above
 * JOURNAL_MAXLEN; ENOSPC, EFBIG, EIO from the file.  A record written in
 * part is cut off again, so the file stays a good journal; if even that
 * fails, every later append fails with EIO.  If only the fdatasync fails,
 * the record is in the file but perhaps not yet on the disk.
 */
int	journal_append(struct journal *j, const struct journal_record *r);

/* fdatasync if records appended since the last sync are JOURNAL_SYNC_NS
   old: for a caller's loop that waits long between appends.  0 or -1. */
int	journal_tick(struct journal *j);

/* fdatasync now: at the end of a run and on an interruption.  0 or -1
   with errno. */
int	journal_sync(struct journal *j);

/* Sync, unlock and free; NULL is fine.  Errors are lost: call
   journal_sync() first to see them. */
void	journal_close(struct journal *j);

/*
 * Remove the file (the run finished and the user asked for it), if the
 * path still names the file this journal holds (else -1 with ESTALE).
 * The journal stays open and locked: journal_close() it after.
 */
int	journal_remove(struct journal *j);

/*
 * A 64-bit hash of a file's contents and length (for the id: the kernel's
 * .so or .py), or -1 with errno.  Not cryptographic: two files of one
 * length that differ within one aligned 8-byte word always hash
 * differently; other changes collide by chance only.
 */
int	journal_hash_file(const char *path, uint64_t *hash);

#endif /* MR_JOURNAL_H */
