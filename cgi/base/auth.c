/* auth.c: SHA-256, random tokens, slow salted password hashes. */
#include <crypt.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/auth.h"
#include "base/buf.h"

/*
 * The digest and its context are made once a process and kept: with
 * EVP_sha256(), OpenSSL 3 looks the implementation up in its provider
 * tables at every digest (and allocates a context), which perf showed as
 * about 5 % of a worker's time (every request hashes its credential).
 * One context for the process: the program has no threads.
 */
static EVP_MD *sha256_md;
static EVP_MD_CTX *sha256_ctx;

void
auth_sha256(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 32;

	if (sha256_md == NULL)
		sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	if (sha256_ctx == NULL)
		sha256_ctx = EVP_MD_CTX_new();
	if (sha256_md == NULL || sha256_ctx == NULL ||
	    !EVP_DigestInit_ex2(sha256_ctx, sha256_md, NULL) ||
	    !EVP_DigestUpdate(sha256_ctx, p, n) ||
	    !EVP_DigestFinal_ex(sha256_ctx, out, &len))
		EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

/* Writes the n bytes of p as 2n lowercase hex digits and a NUL to out. */
static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = "0123456789abcdef"[p[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[p[i] & 15];
	}
	out[2 * n] = '\0';
}

const char *
auth_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char h[32];

	auth_sha256(p, n, h);
	hex(h, sizeof(h), out);
	return out;
}

int
auth_token_new(char out[TOKEN_LEN + 1], const char *prefix)
{
	unsigned char r[24];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	memcpy(out, prefix, 4);
	hex(r, sizeof(r), out + 4);
	return 0;
}

char *
auth_password_hash(const char *password)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	char *h;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return NULL;
	memset(&cd, 0, sizeof(cd));
	h = crypt_r(password, salt, &cd);
	if (h == NULL || h[0] == '*')
		return NULL;
	return xstrdup(h);
}

int
auth_password_check(const char *password, const char *hash)
{
	struct crypt_data cd;
	const char *h;
	size_t n;

	if (hash == NULL || *hash == '\0')
		return 0;
	memset(&cd, 0, sizeof(cd));
	h = crypt_r(password, hash, &cd);
	if (h == NULL || h[0] == '*')
		return 0;
	n = strlen(hash);
	return strlen(h) == n && CRYPTO_memcmp(h, hash, n) == 0;
}
