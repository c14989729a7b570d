/* signals.c: rs_signals_catch (signals.h). */
#include "rawshake/signals.h"

#include <signal.h>
#include <string.h>

void rs_signals_catch(void (*fn)(int), bool hup)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (hup)
		sigaction(SIGHUP, &sa, NULL);
}
