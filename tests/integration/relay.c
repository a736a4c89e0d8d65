/*
 * relay.c: a weak village link for the tests: a TCP relay that forwards
 * to the server at a limited rate and drops connections.
 *
 *   dinh-relay LISTEN_PORT_FILE TARGET_HOST TARGET_PORT [--rate BYTES_PER_S]
 *              [--drop-every BYTES] [--stats FILE]
 *
 * It listens on a free port of 127.0.0.1 and writes it to LISTEN_PORT_FILE.
 * Each accepted connection is joined to one to the target.  Bytes from the
 * server to the client go out at --rate at most (a token bucket refilled
 * every 10 ms).  With --drop-every, a connection is cut (both sides closed
 * at once, like a lost link) each time that many bytes have gone to the
 * client through it.  SIGUSR1 cuts every open connection; SIGUSR2 toggles
 * "down", in which new connections are accepted and closed at once.  The
 * total bytes sent to clients and the cuts are written to --stats at every
 * change (for the tests' checks).  Single-threaded, poll(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAIRS 64
#define BUFSZ 65536

struct pair {
	int c, s; /* client side, server side; -1 when closed */
	unsigned char up[BUFSZ], down[BUFSZ];
	size_t up_len, down_len;
	unsigned long long sent; /* to the client through this pair */
};

static volatile sig_atomic_t cut_all, toggle_down;
static struct pair pairs[PAIRS];
static unsigned long long total_sent, cuts;
static const char *stats_path;

static void on_usr1(int sig)
{
	(void)sig;
	cut_all = 1;
}

static void on_usr2(int sig)
{
	(void)sig;
	toggle_down = 1;
}

static void write_stats(void)
{
	FILE *f;

	if (!stats_path || !(f = fopen(stats_path, "w")))
		return;
	fprintf(f, "sent %llu\ncuts %llu\n", total_sent, cuts);
	fclose(f);
}

static void cut(struct pair *p)
{
	if (p->c >= 0)
		close(p->c);
	if (p->s >= 0)
		close(p->s);
	p->c = p->s = -1;
	p->up_len = p->down_len = 0;
	p->sent = 0;
	cuts++;
	write_stats();
}

static void nonblock(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = {0}, *ai = NULL;
	int fd = -1;

	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_any(const char *port_file)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	FILE *f;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	if (!(f = fopen(port_file, "w")))
		return -1;
	fprintf(f, "%u\n", ntohs(a.sin_port));
	fclose(f);
	return fd;
}

/* Moves what is buffered and readable for @p; @budget limits the bytes
 * to the client.  Returns -1 when the pair must be cut. */
static int pump(struct pair *p, short cev, short sev, long long *budget,
		unsigned long long drop_every)
{
	ssize_t n;

	if ((cev | sev) & (POLLERR | POLLHUP | POLLNVAL))
		if (!(sev & POLLIN) && !(cev & POLLIN))
			return -1;
	if ((cev & POLLIN) && p->up_len < BUFSZ) {
		n = read(p->c, p->up + p->up_len, BUFSZ - p->up_len);
		if (n <= 0)
			return -1;
		p->up_len += (size_t)n;
	}
	if ((sev & POLLIN) && p->down_len < BUFSZ) {
		n = read(p->s, p->down + p->down_len, BUFSZ - p->down_len);
		if (n <= 0)
			return -1;
		p->down_len += (size_t)n;
	}
	if (p->up_len) {
		n = write(p->s, p->up, p->up_len);
		if (n < 0 && errno != EAGAIN)
			return -1;
		if (n > 0) {
			memmove(p->up, p->up + n, p->up_len - (size_t)n);
			p->up_len -= (size_t)n;
		}
	}
	if (p->down_len && *budget > 0) {
		size_t want = p->down_len < (size_t)*budget ? p->down_len : (size_t)*budget;

		if (drop_every && p->sent + want > drop_every)
			want = (size_t)(drop_every - p->sent);
		n = write(p->c, p->down, want);
		if (n < 0 && errno != EAGAIN)
			return -1;
		if (n > 0) {
			memmove(p->down, p->down + n, p->down_len - (size_t)n);
			p->down_len -= (size_t)n;
			p->sent += (unsigned long long)n;
			total_sent += (unsigned long long)n;
			*budget -= n;
			write_stats();
			if (drop_every && p->sent >= drop_every)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	long long rate = 0, budget = 0;
	unsigned long long drop_every = 0;
	int lfd, down = 0;
	int64_t refill = now_ms();

	if (argc < 4) {
		fprintf(stderr,
			"usage: %s PORT_FILE HOST PORT [--rate N] [--drop-every N] "
			"[--stats FILE]\n",
			argv[0]);
		return 2;
	}
	for (int i = 4; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--rate") == 0)
			rate = strtoll(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--drop-every") == 0)
			drop_every = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--stats") == 0)
			stats_path = argv[i + 1];
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	for (int i = 0; i < PAIRS; i++)
		pairs[i].c = pairs[i].s = -1;
	if ((lfd = listen_any(argv[1])) < 0) {
		perror("relay: listen");
		return 1;
	}
	write_stats();
	for (;;) {
		struct pollfd pfd[1 + 2 * PAIRS];
		int n = 1;

		if (cut_all) {
			cut_all = 0;
			for (int i = 0; i < PAIRS; i++)
				if (pairs[i].c >= 0)
					cut(&pairs[i]);
		}
		if (toggle_down) {
			toggle_down = 0;
			down = !down;
		}
		if (now_ms() - refill >= 10) {
			budget = rate ? rate / 100 : (1LL << 40);
			refill = now_ms();
		}
		pfd[0] = (struct pollfd){lfd, POLLIN, 0};
		for (int i = 0; i < PAIRS; i++) {
			struct pair *p = &pairs[i];
			short want_c = p->up_len < BUFSZ ? POLLIN : 0;
			short want_s = p->down_len < BUFSZ ? POLLIN : 0;

			pfd[n++] = (struct pollfd){p->c, want_c, 0};
			pfd[n++] = (struct pollfd){p->s, want_s, 0};
		}
		if (poll(pfd, (nfds_t)n, 10) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents & POLLIN) {
			int c = accept(lfd, NULL, NULL), i;

			for (i = 0; c >= 0 && i < PAIRS && pairs[i].c >= 0; i++)
				;
			if (c >= 0 && (down || i == PAIRS)) {
				close(c);
			} else if (c >= 0) {
				pairs[i].c = c;
				pairs[i].s = dial(argv[2], argv[3]);
				nonblock(pairs[i].c);
				nonblock(pairs[i].s);
				if (pairs[i].s < 0)
					cut(&pairs[i]);
			}
		}
		for (int i = 0; i < PAIRS; i++) {
			struct pair *p = &pairs[i];

			if (p->c < 0)
				continue;
			if (pump(p, pfd[1 + 2 * i].revents, pfd[2 + 2 * i].revents, &budget,
				 drop_every) < 0)
				cut(p);
		}
	}
}
