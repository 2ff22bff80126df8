/*
 * peer.c: whether the client of a TCP connection on this machine has closed
 * it. Apache (mod_proxy_fcgi, mod_fcgid), and lighttpd when it read a whole
 * request at once, do not tell the program that its client went away; the
 * kernel still knows: the web server's socket of that connection is in
 * CLOSE_WAIT. Linux's sock_diag finds one socket by its four addresses.
 */
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/peer.h"

/* The TCP state of the socket laddr:lport <- raddr:rport of family, or -1. */
static int
tcp_state(int family, const void *laddr, int lport, const void *raddr, int rport)
{
	struct {
		struct nlmsghdr		 nh;
		struct inet_diag_req_v2	 r;
	} q;
	union {
		struct nlmsghdr		 nh;
		char			 b[512];
	} a;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	size_t len = family == AF_INET ? 4 : 16;
	const struct inet_diag_msg *m;
	int fd, st = -1;

	memset(&q, 0, sizeof(q));
	q.nh.nlmsg_len = sizeof(q);
	q.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nh.nlmsg_flags = NLM_F_REQUEST;
	q.r.sdiag_family = (unsigned char)family;
	q.r.sdiag_protocol = IPPROTO_TCP;
	q.r.idiag_states = ~0U;
	q.r.id.idiag_sport = htons((unsigned short)lport);
	q.r.id.idiag_dport = htons((unsigned short)rport);
	memcpy(q.r.id.idiag_src, laddr, len);
	memcpy(q.r.id.idiag_dst, raddr, len);
	q.r.id.idiag_cookie[0] = q.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) < 0)
		return -1;
	/* The kernel answers before sendto returns: the read never waits. */
	if (sendto(fd, &q, sizeof(q), 0, (struct sockaddr *)&nl, sizeof(nl)) ==
	    (ssize_t)sizeof(q) &&
	    recv(fd, &a, sizeof(a), MSG_DONTWAIT) >=
	    (ssize_t)NLMSG_LENGTH(sizeof(*m)) &&
	    a.nh.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
		m = NLMSG_DATA(&a.nh);
		st = m->idiag_state;
	}
	close(fd);
	return st;
}

/* A port's text as a number, or -1. */
static int
port(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v > 0 && v < 65536 ? (int)v : -1;
}

bool
peer_closed(const char *laddr, const char *lport, const char *raddr,
    const char *rport)
{
	unsigned char l[16], r[16];
	int lp = port(lport), rp = port(rport), st = -1;

	if (laddr == NULL || raddr == NULL || lp < 0 || rp < 0)
		return false;
	/* (an IPv4 client of a socket listening on [::] is found as IPv4) */
	if (inet_pton(AF_INET, laddr, l) == 1 && inet_pton(AF_INET, raddr, r) == 1)
		st = tcp_state(AF_INET, l, lp, r, rp);
	else if (inet_pton(AF_INET6, laddr, l) == 1 &&
	    inet_pton(AF_INET6, raddr, r) == 1)
		st = tcp_state(AF_INET6, l, lp, r, rp);
	return st == TCP_CLOSE_WAIT;
}
