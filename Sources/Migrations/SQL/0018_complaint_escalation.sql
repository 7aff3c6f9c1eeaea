-- migrate: no-transaction
-- migrate: lock_timeout=5s
-- Complaint severity, escalation, apology and the customer's confirmation of a follow-up
-- (rulebook 004 第六节 (五)(六), 第七节 三(一)(六); rulebook 000 视问题重要程度呈报公司经理).
--
-- Staff get a direct superior (直上级), `staff.supervisor_id`: a complaint about a named staff
-- member (`tickets.subject_staff_id`) is escalated to them, or to the site manager role when
-- they have none. An "other" matter (or a complaint) is escalated to the site manager with an
-- importance. The latest escalation is on the ticket (`escalated_*`), every one on its timeline.
-- A serious complaint (`severity = 'serious'`, 重大投诉) is closed only after an apology visit or
-- call is recorded (`apology_*`). A follow-up records who confirmed it for the customer
-- (`ticket_follow_ups.confirmed_by`, 客户签字确认); the latest is shown on the ticket.
--
-- Not transactional, for the index; every statement can run again after a failure. Every new
-- column is nullable without a default, so adding it rewrites nothing; checks and keys are
-- added NOT VALID and validated after, so the tables are not scanned under the exclusive lock.

ALTER TABLE staff ADD COLUMN IF NOT EXISTS supervisor_id uuid;

ALTER TABLE staff DROP CONSTRAINT IF EXISTS staff_supervisor_fkey;
ALTER TABLE staff ADD CONSTRAINT staff_supervisor_fkey
    FOREIGN KEY (site_id, supervisor_id) REFERENCES staff (site_id, id) NOT VALID;
ALTER TABLE staff VALIDATE CONSTRAINT staff_supervisor_fkey;

ALTER TABLE staff DROP CONSTRAINT IF EXISTS staff_supervisor_not_self;
ALTER TABLE staff ADD CONSTRAINT staff_supervisor_not_self
    CHECK (supervisor_id IS NULL OR supervisor_id <> id) NOT VALID;
ALTER TABLE staff VALIDATE CONSTRAINT staff_supervisor_not_self;

ALTER TABLE tickets ADD COLUMN IF NOT EXISTS severity text,
    ADD COLUMN IF NOT EXISTS subject_staff_id uuid,
    ADD COLUMN IF NOT EXISTS escalated_at timestamptz,
    ADD COLUMN IF NOT EXISTS escalated_to uuid,
    ADD COLUMN IF NOT EXISTS escalated_to_role text,
    ADD COLUMN IF NOT EXISTS escalation_importance text,
    ADD COLUMN IF NOT EXISTS apology_method text,
    ADD COLUMN IF NOT EXISTS apology_note text,
    ADD COLUMN IF NOT EXISTS apologised_at timestamptz,
    ADD COLUMN IF NOT EXISTS apologised_by uuid,
    ADD COLUMN IF NOT EXISTS follow_up_confirmed_by text;

-- Complaints only; a complaint recorded before this migration has none and reads as ordinary.
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_severity_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_severity_check
    CHECK (severity IS NULL OR (category = 'complaint' AND severity IN ('ordinary', 'serious'))) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_severity_check;

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_subject_staff_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_subject_staff_check
    CHECK (subject_staff_id IS NULL OR category = 'complaint') NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_subject_staff_check;

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_subject_staff_fkey;
ALTER TABLE tickets ADD CONSTRAINT tickets_subject_staff_fkey
    FOREIGN KEY (site_id, subject_staff_id) REFERENCES staff (site_id, id) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_subject_staff_fkey;

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_escalated_to_fkey;
ALTER TABLE tickets ADD CONSTRAINT tickets_escalated_to_fkey
    FOREIGN KEY (site_id, escalated_to) REFERENCES staff (site_id, id) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_escalated_to_fkey;

-- An escalation goes to one staff member (the superior) or to the site manager role, never both.
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_escalation_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_escalation_check
    CHECK ((escalated_at IS NULL AND escalated_to IS NULL AND escalated_to_role IS NULL AND escalation_importance IS NULL)
        OR (escalated_at IS NOT NULL AND (escalated_to IS NULL) <> (escalated_to_role IS NULL)
            AND (escalated_to_role IS NULL OR escalated_to_role = 'site_manager')
            AND (escalation_importance IS NULL OR escalation_importance IN ('routine', 'important', 'critical')))) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_escalation_check;

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_apology_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_apology_check
    CHECK ((apology_method IS NULL AND apologised_at IS NULL AND apology_note IS NULL AND apologised_by IS NULL)
        OR (category = 'complaint' AND apology_method IN ('visit', 'phone') AND apologised_at IS NOT NULL
            AND (apology_note IS NULL OR length(apology_note) <= 2000))) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_apology_check;

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_follow_up_confirmed_by_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_follow_up_confirmed_by_check
    CHECK (follow_up_confirmed_by IS NULL OR length(btrim(follow_up_confirmed_by)) BETWEEN 1 AND 100) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_follow_up_confirmed_by_check;

ALTER TABLE ticket_follow_ups ADD COLUMN IF NOT EXISTS confirmed_by text;

ALTER TABLE ticket_follow_ups DROP CONSTRAINT IF EXISTS ticket_follow_ups_confirmed_by_check;
ALTER TABLE ticket_follow_ups ADD CONSTRAINT ticket_follow_ups_confirmed_by_check
    CHECK (confirmed_by IS NULL OR length(btrim(confirmed_by)) BETWEEN 1 AND 100) NOT VALID;
ALTER TABLE ticket_follow_ups VALIDATE CONSTRAINT ticket_follow_ups_confirmed_by_check;

-- `GET …/tickets?escalated=true`: few tickets are escalated, so the listing reads them from
-- their own small index in time order instead of walking every ticket of the site.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_escalated ON tickets (site_id, received_at DESC, id DESC)
    WHERE escalated_at IS NOT NULL;
