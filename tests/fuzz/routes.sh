#!/bin/sh
# routes.sh APP_C OUT: the route table of cgi/web/app.c (routes[]) as initializers
# of struct route, handlers left out (NULL), for the fuzz harnesses: the patterns,
# methods, reports and flags the program routes with, never a copy that drifts.
# Fails when it finds no route, or fewer than the table's lines.
set -eu
app=$1 out=$2
table=$(sed -n '/^static const struct route routes\[\] = {$/,/^};$/p' "$app")
want=$(printf '%s\n' "$table" | grep -c '^[[:space:]]*{ "' || true)
rows=$(printf '%s\n' "$table" |
	sed -n 's/^[[:space:]]*{ \("[A-Z]*", "[^"]*", [A-Z_0-9-]*\), [A-Za-z_0-9]*, \([^}]*\) },$/	{ \1, NULL, \2 },/p')
got=$(printf '%s\n' "$rows" | grep -c '{' || true)
if [ "$want" -eq 0 ] || [ "$got" -ne "$want" ]; then
	echo "routes.sh: read $got of the $want routes of $app's routes[]" >&2
	exit 1
fi
{
	echo "/* Made by tests/fuzz/routes.sh from $app: do not edit. */"
	printf '%s\n' "$rows"
} > "$out.tmp"
mv "$out.tmp" "$out"
