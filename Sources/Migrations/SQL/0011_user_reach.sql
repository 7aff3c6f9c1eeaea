-- Where a user holds roles, for deciding whether a manager may reach them at all.
--
-- user_site_roles is isolated by site, so a site manager's transaction sees only its own
-- site's grants and cannot tell a user who works nowhere from one who works at a site the
-- manager does not run. This function answers exactly that question across sites (the
-- site ids, nothing else of them) so that the user routes can answer 404 for a user of
-- another site instead of pulling them in. It takes the all-sites scope for its one query and
-- gives the caller's back before it returns (as app.authenticate does).
CREATE FUNCTION app.user_site_ids(target uuid) RETURNS uuid[]
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    caller_scope text := current_setting('app.scope', true);
    held uuid[];
BEGIN
    PERFORM set_config('app.scope', 'all', true);
    SELECT coalesce(array_agg(r.site_id ORDER BY r.site_id), '{}') INTO held FROM user_site_roles r WHERE r.user_id = target;
    PERFORM set_config('app.scope', coalesce(caller_scope, ''), true);
    RETURN held;
END
$$;
REVOKE ALL ON FUNCTION app.user_site_ids(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.user_site_ids(uuid) TO platform_app;
