-- migrate: lock_timeout=5s
-- The ticket index search takes its site from the request's own settings, never from a
-- parameter.
--
-- `app.ticket_search_ids` (migration 0020) took the site as an argument and answered only
-- when the request's settings reached it. It now has no site argument at all: it searches the
-- one site the request's settings name (`app.site_ids`, which a site's routes set to exactly
-- that site) and answers nothing for settings that name no site or several. Whatever it is
-- called with, it can only return ids of tickets the caller's own policies would let it read.
CREATE FUNCTION app.ticket_search_ids(
    p_terms text[], p_phrase text, p_status text DEFAULT NULL, p_priority text DEFAULT NULL, p_category text DEFAULT NULL
) RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET enable_indexscan = off
SET enable_seqscan = off
AS $$
DECLARE
    sites uuid[] := NULLIF(current_setting('app.site_ids', true), '')::uuid[];
BEGIN
    IF sites IS NULL OR cardinality(sites) <> 1 THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT t.id FROM public.tickets t WHERE t.site_id = $1 AND t.search_terms @> $2 AND strpos(t.search_text, lower($3)) > 0'
        || CASE WHEN p_status IS NULL THEN '' ELSE ' AND t.status = $4' END
        || CASE WHEN p_priority IS NULL THEN '' ELSE ' AND t.priority = $5' END
        || CASE WHEN p_category IS NULL THEN '' ELSE ' AND t.category = $6' END
        USING sites[1], p_terms, p_phrase, p_status, p_priority, p_category;
END
$$;
ALTER FUNCTION app.ticket_search_ids(text[], text, text, text, text) OWNER TO platform_search;
REVOKE ALL ON FUNCTION app.ticket_search_ids(text[], text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.ticket_search_ids(text[], text, text, text, text) TO platform_app, platform_report;

-- The form with a site argument goes; servers of this version call the one above.
DROP FUNCTION IF EXISTS app.ticket_search_ids(uuid, text[], text, text, text, text);
