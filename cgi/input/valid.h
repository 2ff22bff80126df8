/* valid.h: declarative validation of request parameters into typed values. */
#ifndef CR_VALID_H
#define CR_VALID_H

#include <stdbool.h>
#include <stddef.h>

#include "input/req.h"
#include "input/val.h"

enum ftype {
	FT_UUID,	/* one UUID */
	FT_UINT,	/* one integer in [min, max] */
	FT_DIGITS,	/* a string of min..max digits, min 0 meaning 1 ("" = absent) */
	FT_TEXT,	/* a string of at most max bytes */
	FT_TIME,	/* "YYYY-MM-DD HH:MM:SS" */
	FT_FLAG,	/* 0 or 1 */
	FT_INTSET,	/* array of integers in [min, max] */
	FT_CODESET,	/* array of codes from codes[], mapped to codevals[] */
	FT_UUIDSET,	/* array of UUIDs; with max > 0: min..max different ones */
	FT_RANGE,	/* [lo, hi] integers in [min, max], lo <= hi */
	FT_RANGES,	/* array of [lo, hi] */
	/*
	 * names (a-z, 0-9, _; at most max): an array, or one string of them
	 * separated by commas; text is them joined by commas, strs each. The
	 * engine checks them against what they name (columns=: the report's).
	 */
	FT_KEYS,
	FT__MAX
};

/*
 * Values a set or ranges filter takes at most (status[], tags[], levels):
 * a tenant has a few dozen levels and tags; 4,000 ranges in one body held a
 * worker for the whole statement timeout.
 */
#define VALID_MAX_SET	100

#define F_REQUIRED	0x01
#define F_NOSQL		0x02	/* consumed by the engine (page, per_page, format) */
#define F_DEFAULT	0x04	/* absent: use min (FT_UINT) */
/*
 * Never read from the request: the engine fills it (a period's previous
 * period, report.c); links leave it out.
 */
#define F_DERIVED	0x08
/*
 * A page's filter, an extension of a contract's report (the overview's rows
 * link to the lists with it): read for HTML and the files (XLSX, CSV). JSON
 * skips it (valid_fields_but), so that on the v1 endpoints it stays what it
 * always was there, an unknown parameter, ignored whatever its value.
 */
#define F_PAGE		0x10

struct field {
	const char		 *name;
	enum ftype		  type;
	unsigned		  flags;
	long			  min, max;
	const char *const	 *codes;	/* FT_CODESET, NULL-terminated */
	const char *const	 *codevals;
	const char		 *label;	/* Chinese label for forms */
};

/* A validated parameter: absent (set false) or its value. */
struct pval {
	bool		 set;
	long		 i;	/* FT_UINT, FT_FLAG */
	const char	*text;	/* the value as PostgreSQL text (array literal for sets) */
	size_t		 n;	/* items of a set */
	const long	*ints;	/* FT_INTSET, FT_CODESET, FT_RANGE (lo,hi), FT_RANGES (pairs) */
	const char *const *strs; /* FT_UUIDSET; FT_CODESET: the codes given */
};

/*
 * Validates every field of fields[0..n) from in (an object; NULL = empty) into out.
 * Returns 0, or -1 with *err naming the first bad field.
 */
int	 valid_fields(struct arena *, const struct field *, size_t n,
	    const struct val *in, struct pval *out, const char **err);
/* As valid_fields, but a field with one of the flags skip is absent, never read. */
int	 valid_fields_but(struct arena *, const struct field *, size_t n,
	    const struct val *in, unsigned skip, struct pval *out, const char **err);

/*
 * Records a 400 for err, a message of valid_fields, on req with the field
 * it names (its name begins the message) and that field's label; returns 400.
 */
int	 valid_fail(struct req *, const struct field *, size_t n, const char *err);

/* A colour a page may draw: "#rrggbb" or "#rgb" in hex, either case (nothing else). */
bool	 valid_color(const char *);
/* A UUID written 8-4-4-4-12 in hex, either case. */
bool	 valid_uuid(const char *);
/* A real calendar time "YYYY-MM-DD HH:MM:SS" ('T' allowed for ' '), from 1970 on. */
bool	 valid_time(const char *);
/*
 * The import's times (s is n bytes, may hold a NUL): as valid_time but of any
 * year from 1, or ISO 8601 with a fraction and an offset (Z, +HH, +HHMM, +HH:MM).
 */
bool	 valid_timestamp(const char *, size_t);

/* Returns the index of the field named name in fields[n], or -1. */
int	 valid_field_index(const struct field *fields, size_t n, const char *name);

#endif
