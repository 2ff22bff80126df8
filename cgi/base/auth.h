/* auth.h: hashes and random secrets for tokens, sessions and passwords. */
#ifndef CR_AUTH_H
#define CR_AUTH_H

#include <stddef.h>

#define TOKEN_LEN 52	/* "crt_" + 48 hex digits */

void	 auth_sha256(const void *, size_t, unsigned char out[32]);
/* The SHA-256 as 64 lowercase hex digits (how the database is handed it); returns out. */
const char *auth_sha256_hex(const void *, size_t, char out[65]);
/* Fills out with "crt_" and 48 random hex digits; returns 0 or -1. */
int	 auth_token_new(char out[TOKEN_LEN + 1], const char *prefix);
/* Returns a crypt(3) yescrypt hash of password (malloc'd), or NULL. */
char	*auth_password_hash(const char *password);
/* Returns 1 when password matches hash, else 0 (constant time in the hash compare). */
int	 auth_password_check(const char *password, const char *hash);

#endif
