/*
 * view_pipe.c: read's work on two threads when nothing is printed per
 * packet (-q, with --summary or a Zeek format, and no -w, ladder or
 * report): the calling thread reads and decodes, a worker tracks the
 * connections and writes their rows.  Decoding (the reader, every
 * header, every checksum) is about half of such a read and tracking the
 * other half, so on two CPUs the two halves overlap.  This is Suricata's
 * "autofp" split, capture and decode apart from the flow work, with one
 * flow worker, since connections have to be followed in packet order.
 *
 * The threads share a ring of decoded packets.  A decoded packet holds
 * everything the tracker uses (no pointer into the capture's bytes is
 * followed after decoding), so the reader may reuse its buffer at once.
 * The decoder publishes its position every PIPE_BATCH packets (one
 * atomic store a batch, not a packet), the worker its own likewise; a
 * side with nothing to do spins briefly, then sleeps on a condition
 * variable until the other wakes it.
 *
 * Order is kept where it can be seen: the worker handles packets in the
 * order read, and before the reader says anything (a note about the
 * file, an error, the progress line) or moves to the next file, it
 * waits until the worker has handled every packet given so far
 * (rs_view_pipe_drain), as a single thread would have.
 *
 * The worker starts before the sandbox (which forbids starting threads)
 * and enters the same seccomp sandbox itself: a filter belongs to the
 * thread that installs it.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "rawshake/view.h"
#include "rawshake/privdrop.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define PIPE_SLOTS 512u          /* a power of two: 570 KB of decoded packets */
#define PIPE_BATCH 16u           /* packets between publications */
#define PIPE_SPINS 200

struct rs_view_pipe {
	struct rs_view *v;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t work;           /* the worker waits here for packets */
	pthread_cond_t room;           /* the reader waits here for free slots */
	_Atomic uint64_t head;         /* packets published by the reader */
	_Atomic uint64_t tail;         /* packets the worker has handled */
	_Atomic bool worker_sleeps, reader_sleeps;
	_Atomic bool quit;             /* the reader is done: the worker ends */
	_Atomic bool stop;             /* the output is closed: the reader stops */
	uint64_t filled;               /* reader only: slots filled, published or not */
	uint64_t tail_seen;            /* reader only: the last tail it loaded */
	struct rs_packet *slot;        /* PIPE_SLOTS of them */
};

static void relax(void)
{
#ifdef __SSE2__
	_mm_pause();
#endif
}

/* Wakes the other side if it sleeps.  The store before it (head or tail)
 * and the sleeper's store of its flag before it looks again are both
 * sequentially consistent: one of the two sees the other's. */
static void wake(struct rs_view_pipe *p, _Atomic bool *sleeps, pthread_cond_t *cv)
{
	if (!atomic_load(sleeps))
		return;
	pthread_mutex_lock(&p->mu);
	pthread_cond_signal(cv);
	pthread_mutex_unlock(&p->mu);
}

/* The worker: packets [tail, head) are ready; wait for some (or quit). */
static uint64_t wait_work(struct rs_view_pipe *p, uint64_t tail)
{
	uint64_t head;

	for (int i = 0; i < PIPE_SPINS; i++) {
		if ((head = atomic_load_explicit(&p->head, memory_order_acquire)) != tail ||
		    atomic_load(&p->quit))
			return head;
		relax();
	}
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->worker_sleeps, true);
	while ((head = atomic_load(&p->head)) == tail && !atomic_load(&p->quit))
		pthread_cond_wait(&p->work, &p->mu);
	atomic_store(&p->worker_sleeps, false);
	pthread_mutex_unlock(&p->mu);
	return head;
}

static void *worker(void *arg)
{
	struct rs_view_pipe *p = arg;
	struct rs_view *v = p->v;
	char err[256];
	uint64_t tail = 0;

	(void)rs_sandbox_enter(RS_SANDBOX_FILES, -1, err, sizeof(err));
	for (;;) {
		uint64_t head = wait_work(p, tail);
		if (head == tail)
			break;   /* quit, and nothing left */
		while (tail != head) {
			rs_view_track(v, &p->slot[tail % PIPE_SLOTS]);
			tail++;
			if (tail % PIPE_BATCH == 0 || tail == head) {
				if (rs_out_closed(v->out))
					atomic_store(&p->stop, true);
				atomic_store(&p->tail, tail);
				wake(p, &p->reader_sleeps, &p->room);
			}
		}
	}
	return NULL;
}

/* The reader: makes head visible and wakes the worker if it sleeps. */
static void publish(struct rs_view_pipe *p)
{
	if (atomic_load_explicit(&p->head, memory_order_relaxed) == p->filled)
		return;
	atomic_store(&p->head, p->filled);
	wake(p, &p->worker_sleeps, &p->work);
}

/* The reader: waits until at most `busy` slots are still unhandled. */
static void wait_room(struct rs_view_pipe *p, uint64_t busy)
{
	for (int i = 0; i < PIPE_SPINS; i++) {
		p->tail_seen = atomic_load_explicit(&p->tail, memory_order_acquire);
		if (p->filled - p->tail_seen <= busy)
			return;
		relax();
	}
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->reader_sleeps, true);
	while (p->filled - (p->tail_seen = atomic_load(&p->tail)) > busy)
		pthread_cond_wait(&p->room, &p->mu);
	atomic_store(&p->reader_sleeps, false);
	pthread_mutex_unlock(&p->mu);
}

struct rs_packet *rs_view_pipe_slot(struct rs_view_pipe *p)
{
	if (p->filled - p->tail_seen >= PIPE_SLOTS) {
		publish(p);
		wait_room(p, PIPE_SLOTS - PIPE_BATCH);
	}
	return &p->slot[p->filled % PIPE_SLOTS];
}

void rs_view_pipe_push(struct rs_view_pipe *p)
{
	p->filled++;
	if (p->filled % PIPE_BATCH == 0)
		publish(p);
}

void rs_view_pipe_drain(struct rs_view_pipe *p)
{
	publish(p);
	wait_room(p, 0);
}

bool rs_view_pipe_stopped(const struct rs_view_pipe *p)
{
	return atomic_load_explicit(&p->stop, memory_order_relaxed);
}

/* Two threads only help with two CPUs to run them.  RAWSHAKE_THREADS=1
 * keeps everything on one, =2 uses two anyway (the tests compare both
 * ways, on any machine). */
static bool two_cpus(void)
{
	const char *knob = getenv("RAWSHAKE_THREADS");
	cpu_set_t set;

	if (knob && strcmp(knob, "1") == 0)
		return false;
	if (knob && strcmp(knob, "2") == 0)
		return true;
	return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) >= 2;
}

bool rs_view_start_pipe(struct rs_view *v)
{
	const struct rs_view_opts *o = &v->opts;

	if (v->pipe || !o->quiet || (!v->tracker && !v->flows) || v->capw || v->ladder ||
	    v->html || v->ifname_of || !two_cpus())
		return false;
	struct rs_view_pipe *p = calloc(1, sizeof(*p));
	if (!p)
		return false;
	p->v = v;
	p->slot = calloc(PIPE_SLOTS, sizeof(*p->slot));
	if (!p->slot)
		goto fail;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&p->work, NULL) != 0 || pthread_cond_init(&p->room, NULL) != 0 ||
	    pthread_create(&p->tid, NULL, worker, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	v->pipe = p;
	return true;
fail:
	/* One thread, as before: slower, not wrong. */
	free(p->slot);
	free(p);
	return false;
}

void rs_view_stop_pipe(struct rs_view *v)
{
	struct rs_view_pipe *p = v->pipe;

	if (!p)
		return;
	publish(p);
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->quit, true);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->tid, NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->room);
	pthread_mutex_destroy(&p->mu);
	free(p->slot);
	free(p);
	v->pipe = NULL;
}
