-- migrate: no-transaction
-- migrate: lock_timeout=5s
-- Referrals, the repair sheet's completion record, the quarterly filing of records, and
-- their retention.
--
-- 首问责任制 (rulebook 002 首问 第四条): a matter the first receiver cannot settle is referred to
-- the right window, department or outside body (`referred_to`, `referral_contact`), and the
-- owner reports back to the reporter by `referral_due_at` (`referral_followed_up_at`).
-- The repair sheet (002 六, 004 工毕料清): the customer's opinion of the work
-- (`customer_opinion`) and the check that the site was left clean (`site_cleared`).
-- The columns come without defaults; the checks are added NOT VALID and validated after, in
-- their own statements (the file is not transactional), so the table is not scanned under the
-- exclusive lock. Every statement can run again after a failure.
ALTER TABLE tickets
    ADD COLUMN IF NOT EXISTS referred_to text,
    ADD COLUMN IF NOT EXISTS referral_contact text,
    ADD COLUMN IF NOT EXISTS referred_at timestamptz,
    ADD COLUMN IF NOT EXISTS referred_by uuid,
    ADD COLUMN IF NOT EXISTS referral_due_at timestamptz,
    ADD COLUMN IF NOT EXISTS referral_followed_up_at timestamptz,
    ADD COLUMN IF NOT EXISTS customer_opinion text,
    ADD COLUMN IF NOT EXISTS site_cleared boolean;
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_referral_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_referral_check
    CHECK ((referred_to IS NULL) = (referred_at IS NULL) AND (referred_at IS NULL) = (referral_due_at IS NULL)
           AND (referred_to IS NOT NULL OR (referral_contact IS NULL AND referral_followed_up_at IS NULL))
           AND length(referred_to) <= 200 AND length(referral_contact) <= 200) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_referral_check;
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_customer_opinion_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_customer_opinion_check CHECK (length(customer_opinion) <= 2000) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_customer_opinion_check;

-- The quarter's complaint and follow-up records filed with the archivist (004 第七节 (九)
-- 每季度10日之前交管理处的档案保管员存档保管2年): once per site and quarter, who recorded it,
-- when, how many records, and whether it was after the 10th of the next quarter's first month.
CREATE TABLE IF NOT EXISTS ticket_archives (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
    first_day date NOT NULL,
    last_day date NOT NULL CHECK (last_day >= first_day),
    due_on date NOT NULL CHECK (due_on > last_day),
    filed_at timestamptz NOT NULL,
    filed_by uuid,
    tickets int NOT NULL CHECK (tickets >= 0),
    follow_ups int NOT NULL CHECK (follow_ups >= 0),
    late boolean NOT NULL,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, quarter)
);
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_policy WHERE polrelid = 'public.ticket_archives'::regclass AND polname = 'site_isolation') THEN
        PERFORM app.isolate_by_site('public.ticket_archives');
    END IF;
END
$$;
-- A filing is a record: the application adds and reads it, never changes or removes it.
GRANT SELECT, INSERT ON ticket_archives TO platform_app;
GRANT SELECT ON ticket_archives TO platform_report;

-- Retention (保管2年): no delete shortens it. The application role has never been granted
-- DELETE on tickets, their timeline or their follow-up records; these policies hold the
-- owner (row-level security is forced on these tables, so it applies to the owner too) to
-- rows at least 2 years past the latest day their quarter could be filed — 2 years, 3 months
-- and 10 days after receipt. A timeline line or follow-up record counts from when it was
-- written, which is never before its ticket was received. Restrictive policies, not
-- triggers, so the tables stay distributable (docs/scaling.md): a DELETE of a row still
-- kept affects no row. TRUNCATE passes row security by, so the owner gives it up on them.
DROP POLICY IF EXISTS ticket_retention ON tickets;
CREATE POLICY ticket_retention ON tickets AS RESTRICTIVE FOR DELETE
    USING (received_at < now() - interval '2 years 3 months 10 days');
DROP POLICY IF EXISTS ticket_retention ON ticket_events;
CREATE POLICY ticket_retention ON ticket_events AS RESTRICTIVE FOR DELETE
    USING (at < now() - interval '2 years 3 months 10 days');
DROP POLICY IF EXISTS ticket_retention ON ticket_follow_ups;
CREATE POLICY ticket_retention ON ticket_follow_ups AS RESTRICTIVE FOR DELETE
    USING (at < now() - interval '2 years 3 months 10 days');
REVOKE TRUNCATE ON tickets, ticket_events, ticket_follow_ups FROM PUBLIC, CURRENT_USER;
