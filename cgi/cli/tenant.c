/* tenant.c: the one "ensure tenant" of the command-line tool (import, token, passwd). */
#include <string.h>

#include "cli/tenant.h"
#include "input/valid.h"

int
tenant_id(PGconn *c, const char *name, bool create, char id[37], PGresult **failed)
{
	const char *p[1] = { name };
	PGresult *r;
	int rc = 1;

	*failed = NULL;
	if (create) {
		/* A name taken meanwhile is no error: the SELECT finds it. */
		r = PQexecParams(c, "INSERT INTO tenants (id, name) VALUES "
		    "(gen_random_uuid(), $1) ON CONFLICT (name) DO NOTHING", 1, NULL, p,
		    NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			*failed = r;
			return -1;
		}
		PQclear(r);
	}
	r = PQexecParams(c, "SELECT id FROM tenants WHERE name = $1", 1, NULL, p,
	    NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		*failed = r;
		return -1;
	}
	if (PQntuples(r) == 1 && valid_uuid(PQgetvalue(r, 0, 0))) {
		memcpy(id, PQgetvalue(r, 0, 0), 37);
		rc = 0;
	}
	PQclear(r);
	return rc;
}
