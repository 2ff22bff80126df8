/* peer.h: whether the client of a TCP connection on this machine has closed it. */
#ifndef CR_PEER_H
#define CR_PEER_H

#include <stdbool.h>

/*
 * Returns true when this machine holds the TCP connection from raddr:rport
 * to laddr:lport (numeric text, as CGI's REMOTE_ADDR, REMOTE_PORT,
 * SERVER_ADDR, SERVER_PORT give them) and its peer has closed it (a FIN
 * received: CLOSE_WAIT), asking the kernel (sock_diag, one exact lookup;
 * never blocks). False when the connection is open, unknown here (another
 * machine's, another network namespace's, addresses rewritten by a proxy)
 * or an argument is NULL or not a number: a client is never taken for gone
 * without the kernel saying so.
 */
bool	 peer_closed(const char *laddr, const char *lport, const char *raddr,
	    const char *rport);

#endif
