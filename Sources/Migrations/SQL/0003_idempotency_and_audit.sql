-- What the API platform needs on every route: replayable creating POSTs (Idempotency-Key)
-- and an append-only audit trail of every write.

-- A creating POST's key, the hash of its body and the response it got, so a retry within
-- 24 hours returns the same response without a second write. Site-independent requests
-- (headquarters creating a site) use the nil UUID as site_id.
CREATE TABLE idempotency_keys (
    site_id uuid NOT NULL,
    user_id uuid NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    method text NOT NULL,
    path text NOT NULL,
    request_sha256 bytea NOT NULL,
    status int NOT NULL,
    response text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (site_id, created_at);
SELECT app.isolate_by_site('idempotency_keys');

-- Every write: who, where, what, to which record, when. Append-only for the app role.
CREATE TABLE audit_log (
    site_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    at timestamptz NOT NULL DEFAULT now(),
    actor_id uuid,
    actor_role text NOT NULL,
    action text NOT NULL,
    target_type text NOT NULL,
    target_id text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}',
    request_id text,
    PRIMARY KEY (site_id, id)
);
CREATE INDEX audit_log_at ON audit_log (site_id, at DESC, id DESC);
SELECT app.isolate_by_site('audit_log');

GRANT SELECT, INSERT, DELETE ON idempotency_keys TO platform_app;
GRANT SELECT, INSERT ON audit_log TO platform_app;
GRANT SELECT ON audit_log TO platform_report;
