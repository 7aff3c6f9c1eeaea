-- Service tickets (客户接待 / 投诉 / 报修): one numbering sequence per site and year, the
-- tickets, their append-only timeline, follow-up records (回访), non-conformities with their
-- corrective actions (不合格项), and the counters behind follow-up sampling.
--
-- Every write is made by the application in the transaction that changes the ticket; there
-- are no triggers (DESIGN.md: Citus rejects them on distributed tables).

-- Scalar columns in GIN indexes, so that one index scan intersects a site, its filters and
-- the search terms (trusted: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Search terms: every two-character substring of the lower-cased text, without whitespace.
-- Chinese words are mostly two characters (漏水, 电梯), which pg_trgm cannot index; a GIN
-- index over these pairs answers a query of two or more characters, and the query then
-- rechecks the whole substring. Called explicitly by the statements that write tickets.
CREATE FUNCTION app.search_terms(body text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT pair ORDER BY pair), '{}')
    FROM (SELECT substr(lower(body), i, 2) AS pair FROM generate_series(1, char_length(body) - 1) AS i) AS pairs
    WHERE pair !~ '\s'
$$;
GRANT EXECUTE ON FUNCTION app.search_terms(text) TO platform_app, platform_report;

-- The pairs a query looks up in the index: every other pair and the last, which still
-- cover the whole query (a ticket holding the query holds all of them) with about half the
-- posting lists to intersect; the caller checks the whole string afterwards.
CREATE FUNCTION app.search_cover(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT pair ORDER BY pair), '{}')
    FROM (SELECT substr(lower(query), i, 2) AS pair FROM generate_series(1, char_length(query) - 1) AS i
          WHERE i % 2 = 1 OR i = char_length(query) - 1) AS pairs
    WHERE pair !~ '\s'
$$;
GRANT EXECUTE ON FUNCTION app.search_cover(text) TO platform_app, platform_report;

-- The last ticket number given out per site and year. Incremented in the creating
-- transaction, so a rolled-back creation gives its number back: no gaps (统一编号).
CREATE TABLE ticket_counters (
    site_id uuid NOT NULL REFERENCES sites (id),
    year int NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    last_number int NOT NULL CHECK (last_number > 0),
    PRIMARY KEY (site_id, year)
);
SELECT app.isolate_by_site('ticket_counters');

CREATE TABLE tickets (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    number text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('visit', 'phone', 'letter', 'online', 'patrol')),
    category text NOT NULL CHECK (category IN ('inquiry', 'complaint', 'repair', 'issue_report', 'suggestion', 'praise', 'other')),
    priority text NOT NULL CHECK (priority IN ('emergency', 'urgent', 'normal')),
    status text NOT NULL CHECK (status IN ('received', 'dispatched', 'acknowledged', 'in_progress', 'resolved', 'verified',
        'followed_up', 'closed', 'cancelled')),
    follow_up_class text CHECK (follow_up_class IN ('complaint', 'repair', 'maintenance', 'patient_rescue', 'activity')),
    reporter_name text CHECK (length(reporter_name) <= 100),
    reporter_phone text CHECK (length(reporter_phone) <= 30),
    reporter_unit text CHECK (length(reporter_unit) <= 100),
    location text CHECK (length(location) <= 200),
    -- The location without case and whitespace, for repeat detection.
    location_key text,
    description text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 4000),
    -- First-contact ownership (首问责任制): the receiving staff member, until closure.
    owner_id uuid NOT NULL,
    department_id uuid,
    handler_id uuid,
    cause_class smallint CHECK (cause_class BETWEEN 1 AND 3),
    received_at timestamptz NOT NULL,
    feedback_due_at timestamptz NOT NULL,
    first_feedback_at timestamptz,
    promised_reply_at timestamptz,
    resolve_due_at timestamptz,
    dispatched_at timestamptz,
    acknowledged_at timestamptz,
    started_at timestamptz,
    resolved_at timestamptz,
    resolution text,
    materials jsonb NOT NULL DEFAULT '[]',
    time_on_site_minutes int CHECK (time_on_site_minutes >= 0),
    accepted_by text,
    accepted_at timestamptz,
    verified_at timestamptz,
    verified_by uuid,
    followed_up_at timestamptz,
    closed_at timestamptz,
    cancelled_at timestamptz,
    reply text,
    suggestion_adopted boolean,
    -- Follow-up sampling: the month of the first resolution, the ticket's ordinal among its
    -- class's resolutions that month,
    -- whether that ordinal was sampled, and the window for the follow-up.
    follow_up_month date,
    follow_up_ordinal int,
    follow_up_sampled boolean,
    follow_up_due_from timestamptz,
    follow_up_due_at timestamptz,
    -- Set once by the background job; each also writes one timeline entry.
    feedback_breached_at timestamptz,
    resolution_breached_at timestamptz,
    follow_up_overdue_at timestamptz,
    reopen_count int NOT NULL DEFAULT 0,
    nonconformity_open boolean NOT NULL DEFAULT false,
    repeat_of uuid,
    related_ticket_id uuid,
    appointment_id uuid,
    search_text text NOT NULL,
    search_terms text[] NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, number),
    FOREIGN KEY (site_id, owner_id) REFERENCES staff (site_id, id),
    FOREIGN KEY (site_id, department_id) REFERENCES departments (site_id, id),
    FOREIGN KEY (site_id, handler_id) REFERENCES staff (site_id, id),
    FOREIGN KEY (site_id, repeat_of) REFERENCES tickets (site_id, id),
    FOREIGN KEY (site_id, related_ticket_id) REFERENCES tickets (site_id, id),
    CHECK (cause_class IS NULL OR category = 'complaint'),
    CHECK (suggestion_adopted IS NULL OR category = 'suggestion')
);
CREATE INDEX tickets_received ON tickets (site_id, received_at DESC, id DESC);
CREATE INDEX tickets_status ON tickets (site_id, status, received_at DESC, id DESC);
CREATE INDEX tickets_department ON tickets (site_id, department_id, received_at DESC, id DESC);
CREATE INDEX tickets_owner ON tickets (site_id, owner_id, received_at DESC, id DESC);
CREATE INDEX tickets_handler ON tickets (site_id, handler_id, received_at DESC, id DESC) WHERE handler_id IS NOT NULL;
CREATE INDEX tickets_open ON tickets (site_id, received_at DESC, id DESC) WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_resolved ON tickets (site_id, resolved_at) WHERE resolved_at IS NOT NULL;
-- Search: the site, the terms and the common filters in one GIN index, so a rare phrase or a
-- phrase that never meets a filter is answered from the index alone.
CREATE INDEX tickets_search ON tickets USING gin (site_id, search_terms, status, priority, category);
CREATE INDEX tickets_reporter ON tickets (site_id, reporter_phone, received_at) WHERE reporter_phone IS NOT NULL;
CREATE INDEX tickets_location ON tickets (site_id, location_key, received_at) WHERE location_key IS NOT NULL;
-- What the background job looks for: small, because they hold only pending deadlines.
CREATE INDEX tickets_feedback_pending ON tickets (site_id, feedback_due_at)
    WHERE first_feedback_at IS NULL AND feedback_breached_at IS NULL AND status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_resolution_pending ON tickets (site_id, resolve_due_at)
    WHERE resolved_at IS NULL AND resolution_breached_at IS NULL AND resolve_due_at IS NOT NULL AND status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_follow_up_pending ON tickets (site_id, follow_up_due_at)
    WHERE follow_up_sampled AND followed_up_at IS NULL AND follow_up_overdue_at IS NULL AND status NOT IN ('closed', 'cancelled');
SELECT app.isolate_by_site('tickets');

-- The timeline: one row per action, numbered by the ticket version the action produced.
-- Append-only: the application role may insert and read, never change or delete.
CREATE TABLE ticket_events (
    site_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    seq int NOT NULL,
    at timestamptz NOT NULL,
    action text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    actor_id uuid,
    actor_role text NOT NULL,
    note text CHECK (length(note) <= 2000),
    detail jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (site_id, ticket_id, seq),
    FOREIGN KEY (site_id, ticket_id) REFERENCES tickets (site_id, id)
);
SELECT app.isolate_by_site('ticket_events');

-- Follow-up visits (回访) and what the customer said.
CREATE TABLE ticket_follow_ups (
    site_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    ticket_id uuid NOT NULL,
    at timestamptz NOT NULL,
    method text NOT NULL CHECK (method IN ('phone', 'visit', 'sms', 'online', 'letter')),
    satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
    rating text NOT NULL CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    comments text CHECK (length(comments) <= 2000),
    recorded_by uuid,
    PRIMARY KEY (site_id, id),
    FOREIGN KEY (site_id, ticket_id) REFERENCES tickets (site_id, id)
);
CREATE INDEX ticket_follow_ups_ticket ON ticket_follow_ups (site_id, ticket_id);
CREATE INDEX ticket_follow_ups_at ON ticket_follow_ups (site_id, at);
SELECT app.isolate_by_site('ticket_follow_ups');

-- Non-conformities (不合格项): a repeated matter, or a case reopened by an unsatisfactory
-- verification or follow-up. Open until a corrective action is recorded and closed.
CREATE TABLE ticket_nonconformities (
    site_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    ticket_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('repeat', 'reopened')),
    detected_at timestamptz NOT NULL,
    matched_ticket_ids uuid[] NOT NULL DEFAULT '{}',
    reason text NOT NULL,
    cause text CHECK (length(cause) <= 2000),
    action text CHECK (length(action) <= 2000),
    action_owner_id uuid,
    due_date date,
    action_recorded_at timestamptz,
    closed_at timestamptz,
    closed_by uuid,
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    FOREIGN KEY (site_id, ticket_id) REFERENCES tickets (site_id, id),
    FOREIGN KEY (site_id, action_owner_id) REFERENCES staff (site_id, id),
    CHECK (closed_at IS NULL OR action_recorded_at IS NOT NULL)
);
CREATE INDEX ticket_nonconformities_ticket ON ticket_nonconformities (site_id, ticket_id);
CREATE INDEX ticket_nonconformities_detected ON ticket_nonconformities (site_id, detected_at);
SELECT app.isolate_by_site('ticket_nonconformities');

-- Resolutions per site, month and follow-up class: the ordinal that sampling reads.
CREATE TABLE ticket_follow_up_counters (
    site_id uuid NOT NULL REFERENCES sites (id),
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    follow_up_class text NOT NULL,
    resolved int NOT NULL CHECK (resolved > 0),
    PRIMARY KEY (site_id, month, follow_up_class)
);
SELECT app.isolate_by_site('ticket_follow_up_counters');

GRANT SELECT, INSERT, UPDATE ON ticket_counters, tickets, ticket_nonconformities, ticket_follow_up_counters TO platform_app;
GRANT SELECT, INSERT ON ticket_events, ticket_follow_ups TO platform_app;
GRANT SELECT ON ticket_counters, tickets, ticket_events, ticket_follow_ups, ticket_nonconformities, ticket_follow_up_counters TO platform_report;
