-- Roles the platform runs as, the extensions it needs, and the helpers every tenant table
-- uses for row-level security. Runs as platform_owner (which needs CREATEROLE).

DO $$
BEGIN
    -- Roles are cluster-wide; several databases may be migrated at once.
    PERFORM pg_advisory_xact_lock(7326001002);
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_app') THEN
        -- What the server logs in as: DML only, always subject to row-level security.
        CREATE ROLE platform_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_report') THEN
        -- Read-only access for analysts; sees only what its app.* settings allow.
        CREATE ROLE platform_report LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;

CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO platform_app, platform_report;

CREATE SCHEMA IF NOT EXISTS app;
GRANT USAGE ON SCHEMA app TO platform_app, platform_report;

-- The row filter of every tenant table. Each request sets, with SET LOCAL:
--   app.scope    = 'all' for headquarters roles, anything else (or unset) otherwise;
--   app.site_ids = '{uuid,…}' the sites the actor may see.
-- Unset or empty settings match no row: nothing ever defaults to a site or to "all".
-- Each current_setting() sits in a scalar sub-select so it is evaluated once per query.
CREATE FUNCTION app.site_predicate(site_column text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format(
        '((SELECT current_setting(''app.scope'', true)) = ''all'' OR %I = ANY ((SELECT NULLIF(current_setting(''app.site_ids'', true), ''''))::uuid[]))',
        site_column)
$$;

-- Turns on forced row-level security for a tenant table with the one policy above, for
-- reads and writes alike. Used by migrations only.
CREATE FUNCTION app.isolate_by_site(target regclass, site_column text DEFAULT 'site_id') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    predicate text := app.site_predicate(site_column);
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY site_isolation ON %s USING %s WITH CHECK %s', target, predicate, predicate);
END
$$;
REVOKE ALL ON FUNCTION app.isolate_by_site(regclass, text) FROM PUBLIC;
