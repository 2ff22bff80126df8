/* test_auth.c: SHA-256 (known answers, one digest after another), tokens, password hashes. */
#include <ctype.h>
#include <stdlib.h>

#include "base/auth.h"
#include "ctest.h"

static void
test_sha256(void)
{
	char hx[65], *big;
	int i;

	/* FIPS 180-2's examples, each twice: the kept context starts afresh */
	for (i = 0; i < 2; i++) {
		CHECK_STR(auth_sha256_hex("", 0, hx),
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		CHECK_STR(auth_sha256_hex("abc", 3, hx),
		    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		CHECK_STR(auth_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    56, hx),
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	}
	/* a million 'a's */
	big = malloc(1000000);
	CHECK(big != NULL);
	if (big != NULL) {
		memset(big, 'a', 1000000);
		CHECK_STR(auth_sha256_hex(big, 1000000, hx),
		    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
		free(big);
	}
	CHECK_STR(auth_sha256_hex("abc", 3, hx),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_token(void)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];
	int i, hexd = 1;

	CHECK(auth_token_new(a, "crt_") == 0);
	CHECK(auth_token_new(b, "crt_") == 0);
	CHECK(strlen(a) == TOKEN_LEN && strncmp(a, "crt_", 4) == 0);
	for (i = 4; i < TOKEN_LEN; i++)
		hexd &= isxdigit((unsigned char)a[i]) && !isupper((unsigned char)a[i]);
	CHECK(hexd);
	CHECK(strcmp(a, b) != 0);
}

static void
test_password(void)
{
	char *h = auth_password_hash("s3cret");

	CHECK(h != NULL && strncmp(h, "$y$", 3) == 0);
	CHECK(auth_password_check("s3cret", h) == 1);
	CHECK(auth_password_check("s3cret ", h) == 0);
	CHECK(auth_password_check("", h) == 0);
	CHECK(auth_password_check("s3cret", "") == 0);
	CHECK(auth_password_check("s3cret", NULL) == 0);
	free(h);
}

int
main(void)
{
	TEST(test_sha256);
	TEST(test_token);
	TEST(test_password);
	return ctest_done("test_auth");
}
