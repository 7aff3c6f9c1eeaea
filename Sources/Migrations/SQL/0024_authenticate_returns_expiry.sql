-- migrate: lock_timeout=5s
-- app.authenticate also returns when the token expires, so that a server caching the
-- principal a token stands for (for up to a minute, forgetting it at once when told of a
-- change: `NOTIFY app_principals`, sent by the statements that revoke tokens, change roles
-- or suspend sites) never keeps it past the token's expiry. Only the result gains a column;
-- the body is 0002's. Servers that select the five columns by name keep working.
DROP FUNCTION app.authenticate(bytea);
CREATE FUNCTION app.authenticate(token_hash bytea)
RETURNS TABLE (user_id uuid, username text, display_name text, global_role text, grants jsonb, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    token record;
    caller_scope text := current_setting('app.scope', true);
BEGIN
    PERFORM set_config('app.scope', 'all', true);
    SELECT t.id, t.user_id, t.last_used_at, t.expires_at INTO token
    FROM api_tokens t
    WHERE t.token_sha256 = token_hash AND t.revoked_at IS NULL AND t.expires_at > now();
    IF NOT FOUND THEN
        PERFORM set_config('app.scope', coalesce(caller_scope, ''), true);
        RETURN;
    END IF;
    IF token.last_used_at IS NULL OR token.last_used_at < now() - interval '1 minute' THEN
        UPDATE api_tokens SET last_used_at = now() WHERE id = token.id;
    END IF;
    RETURN QUERY
    SELECT u.id, u.username, u.display_name, u.global_role,
           coalesce((SELECT jsonb_agg(jsonb_build_object('siteId', s.id, 'siteCode', s.code, 'role', r.role, 'staffId', r.staff_id) ORDER BY s.code)
                     FROM user_site_roles r JOIN sites s ON s.id = r.site_id
                     WHERE r.user_id = u.id AND s.status = 'active'), '[]'::jsonb),
           token.expires_at
    FROM users u
    WHERE u.id = token.user_id AND u.status = 'active';
    PERFORM set_config('app.scope', coalesce(caller_scope, ''), true);
END
$$;
REVOKE ALL ON FUNCTION app.authenticate(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.authenticate(bytea) TO platform_app;
