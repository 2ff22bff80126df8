/* tenant.h: the tenant a command names (--user NAME), found or created. */
#ifndef CR_TENANT_H
#define CR_TENANT_H

#include <stdbool.h>

#include <libpq-fe.h>

/*
 * Puts the id of the tenant named name in id, creating the tenant (with a
 * random id) first when create. Returns 0; 1 when there is no such tenant;
 * -1 when a statement failed, with *failed its result (NULL if libpq gave
 * none; PQclear it), so that each command reports it in its own way.
 */
int	 tenant_id(PGconn *, const char *name, bool create, char id[37],
	    PGresult **failed);

#endif
