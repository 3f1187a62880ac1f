/*
 * time.h - the wall clock, read only by app/, jobs/ and http/.
 */
#ifndef POISE_BASE_TIME_H
#define POISE_BASE_TIME_H

#include <stdint.h>

/* Milliseconds since the Unix epoch, UTC. */
int64_t time_now_ms(void);

/* Monotonic milliseconds for durations. */
int64_t time_mono_ms(void);

/* Monotonic nanoseconds for latency measurement. */
int64_t time_mono_ns(void);

#endif
