-- migrate: lock_timeout=5s
-- Ticket search keeps its GIN index without a superuser.
--
-- Under row-level security the planner uses an index only for leakproof operators, and array
-- containment (`@>`, behind the GIN index of search terms) is not marked leakproof; only a
-- superuser may mark it, and managed PostgreSQL services give none. So the index search runs
-- in a SECURITY DEFINER function owned by `platform_search`, a role that cannot log in and
-- whose own policy on tickets is `true` (FORCE ROW LEVEL SECURITY binds the table's owner, not
-- this role). The function returns only ids, and only of the site it is asked for when that
-- site is within the request's reach by the request's own settings (`app.scope`,
-- `app.site_ids`): the same predicate as every tenant policy. A request for a site it does
-- not reach gets nothing. Everything else about the tickets is then read by the caller, under
-- its own row-level security.
DO $$
BEGIN
    PERFORM pg_advisory_xact_lock(7326001002);
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_search') THEN
        CREATE ROLE platform_search NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;

-- The owner hands the function to platform_search, which needs to be able to own it.
GRANT platform_search TO platform_owner;
GRANT USAGE, CREATE ON SCHEMA app TO platform_search;
GRANT USAGE ON SCHEMA public TO platform_search;
GRANT SELECT ON tickets TO platform_search;

CREATE POLICY ticket_search ON tickets FOR SELECT TO platform_search USING (true);

-- The ids of the site's tickets whose search terms contain `terms` and whose text contains
-- `phrase`, with the status, priority and category asked for (each null: any), when the
-- request reaches the site. Planned for each call with its filters (EXECUTE), so that the GIN
-- index over (site_id, search_terms, status, priority, category) intersects them all; and
-- told not to walk the time index, which the planner would otherwise pick for a phrase it
-- wrongly believes common (see `TicketStore.searchOlder`).
CREATE FUNCTION app.ticket_search_ids(
    p_site uuid, p_terms text[], p_phrase text, p_status text DEFAULT NULL, p_priority text DEFAULT NULL, p_category text DEFAULT NULL
) RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET enable_indexscan = off
SET enable_seqscan = off
AS $$
BEGIN
    -- The request's own reach, as every tenant policy reads it; unset settings reach nothing.
    IF NOT coalesce((SELECT current_setting('app.scope', true)) = 'all'
                    OR p_site = ANY ((SELECT NULLIF(current_setting('app.site_ids', true), ''))::uuid[]), false) THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT t.id FROM public.tickets t WHERE t.site_id = $1 AND t.search_terms @> $2 AND strpos(t.search_text, lower($3)) > 0'
        || CASE WHEN p_status IS NULL THEN '' ELSE ' AND t.status = $4' END
        || CASE WHEN p_priority IS NULL THEN '' ELSE ' AND t.priority = $5' END
        || CASE WHEN p_category IS NULL THEN '' ELSE ' AND t.category = $6' END
        USING p_site, p_terms, p_phrase, p_status, p_priority, p_category;
END
$$;
ALTER FUNCTION app.ticket_search_ids(uuid, text[], text, text, text, text) OWNER TO platform_search;
REVOKE ALL ON FUNCTION app.ticket_search_ids(uuid, text[], text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.ticket_search_ids(uuid, text[], text, text, text, text) TO platform_app, platform_report;
