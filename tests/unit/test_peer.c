/* test_peer.c: peer_closed against real loopback TCP connections. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/peer.h"
#include "ctest.h"

/* A listener of family on the loopback (port chosen by the kernel), or -1. */
static int
listener(int family)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(family, SOCK_STREAM, 0), off = 0;

	if (fd < 0)
		return -1;
	if (family == AF_INET6)	/* dual stack: IPv4 clients come as ::ffff:a.b.c.d */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if ((family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4)) :
	    bind(fd, (struct sockaddr *)&a6, sizeof(a6))) != 0 || listen(fd, 4) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The port of a socket's own (mine) or peer's address, as text. */
static void
port_of(int fd, int peer, char out[8])
{
	struct sockaddr_storage ss;
	socklen_t n = sizeof(ss);

	if (peer)
		getpeername(fd, (struct sockaddr *)&ss, &n);
	else
		getsockname(fd, (struct sockaddr *)&ss, &n);
	snprintf(out, 8, "%u", ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port));
}

/* An IPv4 client of a listener of family: open, then closed by the client. */
static void
one(int family)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timespec ms = { 0, 1000000 };
	char lport[8], rport[8];
	int l = listener(family), c, s, i;
	bool closed = false;

	CHECK(l >= 0);
	if (l < 0)
		return;
	port_of(l, 0, lport);
	to.sin_port = htons((unsigned short)atoi(lport));
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&to, sizeof(to)) == 0);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	port_of(s, 1, rport);
	/* as CGI gives them: SERVER_ADDR, SERVER_PORT, REMOTE_ADDR, REMOTE_PORT */
	CHECK(!peer_closed("127.0.0.1", lport, "127.0.0.1", rport));
	close(c);
	/* the FIN crosses the loopback at once; a few tries for a busy machine */
	for (i = 0; i < 1000 && !(closed = peer_closed("127.0.0.1", lport, "127.0.0.1", rport)); i++)
		nanosleep(&ms, NULL);
	CHECK(closed);
	/* another connection's ports: unknown here, so not closed */
	CHECK(!peer_closed("127.0.0.1", lport, "127.0.0.1", lport));
	close(s);
	close(l);
}

static void
test_ipv4(void)
{
	one(AF_INET);
}

static void
test_ipv4_client_of_a_dual_stack_listener(void)
{
	one(AF_INET6);
}

static void
test_not_numbers(void)
{
	CHECK(!peer_closed(NULL, "80", "127.0.0.1", "5000"));
	CHECK(!peer_closed("127.0.0.1", NULL, "127.0.0.1", "5000"));
	CHECK(!peer_closed("127.0.0.1", "80", NULL, "5000"));
	CHECK(!peer_closed("127.0.0.1", "80", "127.0.0.1", NULL));
	CHECK(!peer_closed("localhost", "80", "127.0.0.1", "5000"));
	CHECK(!peer_closed("127.0.0.1", "80x", "127.0.0.1", "5000"));
	CHECK(!peer_closed("127.0.0.1", "0", "127.0.0.1", "5000"));
	CHECK(!peer_closed("127.0.0.1", "80", "127.0.0.1", "65536"));
	CHECK(!peer_closed("127.0.0.1", "-80", "127.0.0.1", "5000"));
	CHECK(!peer_closed("127.0.0.1", "80", "::1", "5000"));
}

int
main(void)
{
	TEST(test_ipv4);
	TEST(test_ipv4_client_of_a_dual_stack_listener);
	TEST(test_not_numbers);
	return ctest_done("test_peer");
}
