/* num.c: numbers as text, faster than printf where a page writes thousands (num.h). */
#include <math.h>
#include <stdio.h>

#include "base/num.h"

size_t
num_int(char b[NUM_INT], int64_t v)
{
	char d[NUM_INT];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t n = 0, i = 0;

	do
		d[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		b[i++] = '-';
	while (n > 0)
		b[i++] = d[--n];
	b[i] = '\0';
	return i;
}

char *
num_tenths(char b[NUM_TENTHS], double v)
{
	char d[24];
	double r, e, f;
	unsigned long long t;
	int n = 0, i = 0;

	/*
	 * Out of the exact range of the arithmetic below (10v must keep its
	 * fraction: under 2^53), printf's own way.
	 */
	if (!isfinite(v) || fabs(v) >= 1e14) {
		snprintf(b, NUM_TENTHS, "%.1f", v);
		return b;
	}
	/*
	 * r = 10v rounded to a double; e, what that rounding left out (fma
	 * computes v * 10 - r exactly): so a tie (r ends in .5) is a tie of
	 * v's exact value only when e is 0, else the exact value is on e's
	 * side of it.
	 */
	r = fabs(v) * 10;
	e = fma(fabs(v), 10, -r);
	f = floor(r);
	if (r - f > 0.5 || (r - f == 0.5 &&
	    (e > 0 || (e == 0 && fmod(f, 2) != 0))))
		f += 1;
	t = (unsigned long long)f;
	do {
		d[n++] = (char)('0' + t % 10);
		t /= 10;
	} while (t > 0 || n < 2);
	if (signbit(v))
		b[i++] = '-';
	while (n > 1)
		b[i++] = d[--n];
	b[i++] = '.';
	b[i++] = d[0];
	b[i] = '\0';
	return b;
}
