#ifndef CPOSTGRES_SHIM_H
#define CPOSTGRES_SHIM_H

#include <libpq-fe.h>

/*
 * Swift cannot import char-literal macros such as PG_DIAG_SQLSTATE ('C'),
 * so they are re-exported as constants here.
 */
static const int CPG_DIAG_SEVERITY = PG_DIAG_SEVERITY;
static const int CPG_DIAG_SEVERITY_NONLOCALIZED = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CPG_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CPG_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CPG_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CPG_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int CPG_DIAG_STATEMENT_POSITION = PG_DIAG_STATEMENT_POSITION;
static const int CPG_DIAG_SCHEMA_NAME = PG_DIAG_SCHEMA_NAME;
static const int CPG_DIAG_TABLE_NAME = PG_DIAG_TABLE_NAME;
static const int CPG_DIAG_COLUMN_NAME = PG_DIAG_COLUMN_NAME;
static const int CPG_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;

#endif
