/* signals.h: the one signal setup.  SIGINT and SIGTERM (and SIGHUP for
 * what outlives a terminal: lab, connect) become a call of fn, without
 * SA_RESTART so that a blocking read or sleep returns EINTR and the loop
 * looks at its stop flag. */
#ifndef RAWSHAKE_SIGNALS_H
#define RAWSHAKE_SIGNALS_H

#include <stdbool.h>

void rs_signals_catch(void (*fn)(int), bool hup);

#endif
