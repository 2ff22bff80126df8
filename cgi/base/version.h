/*
 * version.h: the version of callreport, major.minor.patch.
 * The minor version is what the rule for SQL kept for older workers counts
 * (docs/deploy.md, "Upgrades and SQL kept for older workers";
 * tests/functional/test_versions.py reads this line).
 */
#ifndef CR_VERSION_H
#define CR_VERSION_H

#define CALLREPORT_VERSION	"0.9.0"

#endif
