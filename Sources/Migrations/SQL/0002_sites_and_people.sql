-- Sites (tenants) and what every site has: working calendars, departments, posts, staff,
-- the users who sign in, their roles per site, API tokens, and per-site policies.

-- Site-independent code lists (reference tables under Citus).

CREATE TABLE certificate_types (
    code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,63}$'),
    name_zh text NOT NULL,
    name_en text NOT NULL
);
INSERT INTO certificate_types (code, name_zh, name_en) VALUES
    ('special_equipment_operation', '特种设备作业资格证', 'Special equipment operation certificate'),
    ('electrician', '电工证', 'Electrician licence'),
    ('elevator_safety_management', '电梯安全管理员证', 'Elevator safety management certificate'),
    ('security_guard', '保安员证', 'Security guard certificate'),
    ('fire_safety', '消防设施操作员证', 'Fire safety operator certificate');

-- Sites. Small (one row per site) and read by every request, so under Citus it is a
-- reference table; its own id is the site_id of every tenant row.
CREATE TABLE sites (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9]{1,15}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('hospital', 'residence', 'government_service_center')),
    timezone text NOT NULL DEFAULT 'Asia/Shanghai',
    region text CHECK (region IS NULL OR length(btrim(region)) BETWEEN 1 AND 100),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1
);
SELECT app.isolate_by_site('sites', 'id');

-- Working calendars: weekly hours plus dated exceptions both ways (holidays on weekdays,
-- make-up working days on weekends, 调休). A site may have several (office hours, repairs).
CREATE TABLE working_calendars (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name text NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code)
);
CREATE UNIQUE INDEX working_calendars_one_default ON working_calendars (site_id) WHERE is_default;
SELECT app.isolate_by_site('working_calendars');

-- Weekly hours: ISO weekday 1 (Monday) … 7 (Sunday); several intervals a day allowed.
-- closes may be 24:00 for round-the-clock service.
CREATE TABLE calendar_hours (
    site_id uuid NOT NULL,
    calendar_id uuid NOT NULL,
    weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens time NOT NULL,
    closes time NOT NULL,
    PRIMARY KEY (site_id, calendar_id, weekday, opens),
    FOREIGN KEY (site_id, calendar_id) REFERENCES working_calendars (site_id, id) ON DELETE CASCADE,
    CHECK (opens < closes)
);
SELECT app.isolate_by_site('calendar_hours');

-- A dated exception: a closed day (holiday) or a working day (make-up day) with its hours;
-- a working day without hours uses the calendar's usual weekday hours.
CREATE TABLE calendar_exceptions (
    site_id uuid NOT NULL,
    calendar_id uuid NOT NULL,
    day date NOT NULL,
    is_working boolean NOT NULL,
    opens time,
    closes time,
    note text,
    PRIMARY KEY (site_id, calendar_id, day),
    FOREIGN KEY (site_id, calendar_id) REFERENCES working_calendars (site_id, id) ON DELETE CASCADE,
    CHECK ((opens IS NULL) = (closes IS NULL)),
    CHECK (opens IS NULL OR (is_working AND opens < closes))
);
SELECT app.isolate_by_site('calendar_exceptions');

CREATE TABLE departments (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind text NOT NULL CHECK (kind IN ('customer_service', 'engineering', 'cleaning', 'security', 'elevator',
        'management', 'service_window', 'medical_support', 'other')),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code)
);
SELECT app.isolate_by_site('departments');

-- Posts (岗位) at a site, and the certificates a post requires (持证上岗).
CREATE TABLE posts (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    department_id uuid,
    required_certificates text[] NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code),
    FOREIGN KEY (site_id, department_id) REFERENCES departments (site_id, id)
);
SELECT app.isolate_by_site('posts');

CREATE TABLE staff (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    employee_no text NOT NULL CHECK (length(btrim(employee_no)) BETWEEN 1 AND 32),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    phone text,
    department_id uuid NOT NULL,
    post_id uuid,
    education text CHECK (education IN ('primary', 'junior_high', 'senior_high', 'vocational', 'associate',
        'bachelor', 'master', 'doctorate')),
    hire_date date NOT NULL,
    probation_until date,
    mentor_id uuid,
    is_veteran boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, employee_no),
    FOREIGN KEY (site_id, department_id) REFERENCES departments (site_id, id),
    FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id),
    FOREIGN KEY (site_id, mentor_id) REFERENCES staff (site_id, id),
    CHECK (mentor_id IS NULL OR mentor_id <> id),
    CHECK (probation_until IS NULL OR probation_until >= hire_date)
);
CREATE INDEX staff_department ON staff (site_id, department_id);
SELECT app.isolate_by_site('staff');

-- People who sign in. Global (one person may work for several sites); what they may reach
-- comes from global_role (headquarters) and user_site_roles (sites).
CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
    password_hash text,
    global_role text CHECK (global_role IN ('hq_admin', 'hq_analyst')),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1
);

CREATE TABLE user_site_roles (
    site_id uuid NOT NULL REFERENCES sites (id),
    user_id uuid NOT NULL REFERENCES users (id),
    role text NOT NULL CHECK (role IN ('regional_manager', 'site_manager', 'site_agent', 'site_staff')),
    staff_id uuid,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, user_id),
    FOREIGN KEY (site_id, staff_id) REFERENCES staff (site_id, id)
);
CREATE INDEX user_site_roles_user ON user_site_roles (user_id);
SELECT app.isolate_by_site('user_site_roles');

-- Bearer tokens: only the SHA-256 of the token is stored; the token is shown once.
CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id),
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    label text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Per-site settings that the rules read (feedback hours, follow-up quotas, appointment
-- notice, …), as JSON values keyed by name; tenant provisioning writes the defaults.
CREATE TABLE site_policies (
    site_id uuid NOT NULL REFERENCES sites (id),
    key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_.]{1,63}$'),
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, key)
);
SELECT app.isolate_by_site('site_policies');

GRANT SELECT ON certificate_types TO platform_app, platform_report;
GRANT SELECT, INSERT, UPDATE ON sites TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON working_calendars, calendar_hours, calendar_exceptions, departments, posts,
    staff, user_site_roles, site_policies TO platform_app;
GRANT SELECT, INSERT, UPDATE ON users, api_tokens TO platform_app;
GRANT SELECT ON sites, working_calendars, calendar_hours, calendar_exceptions, departments, posts, staff,
    user_site_roles, site_policies TO platform_report;

-- Signing in: the one lookup that must see across sites before the actor's scope is known.
-- SECURITY DEFINER, widening app.scope to 'all' only while it runs and restoring the caller's
-- value before it returns, so platform_app gets the answer for one token without ever reading
-- api_tokens or other sites' grants itself. (A `SET app.scope` clause on the function would
-- be tidier, but PostgreSQL 15 allows that for placeholder settings to superusers only.)
-- Suspended sites and disabled users grant nothing; last_used_at is written at most once a
-- minute so that signing in is not a write per request.
CREATE FUNCTION app.authenticate(token_hash bytea)
RETURNS TABLE (user_id uuid, username text, display_name text, global_role text, grants jsonb)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    token record;
    caller_scope text := current_setting('app.scope', true);
BEGIN
    PERFORM set_config('app.scope', 'all', true);
    SELECT t.id, t.user_id, t.last_used_at INTO token
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
                     WHERE r.user_id = u.id AND s.status = 'active'), '[]'::jsonb)
    FROM users u
    WHERE u.id = token.user_id AND u.status = 'active';
    PERFORM set_config('app.scope', coalesce(caller_scope, ''), true);
END
$$;
REVOKE ALL ON FUNCTION app.authenticate(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.authenticate(bytea) TO platform_app;

-- Readiness: which migrations are applied, without granting the app the history table.
CREATE FUNCTION app.applied_migrations() RETURNS int[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT coalesce(array_agg(version ORDER BY version), '{}') FROM schema_migrations WHERE success $$;
REVOKE ALL ON FUNCTION app.applied_migrations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.applied_migrations() TO platform_app, platform_report;
