-- migrate: no-transaction
-- migrate: lock_timeout=5s
-- Complaints cannot vanish, and promised reply times are watched (rulebook 004).
--
-- A complaint the customer withdraws without writing goes to the new status `withdrawn`: no
-- more work, but its feedback and follow-up (回访) are still owed. `withdrawn_in_writing`
-- records how a complaint was withdrawn. `reply_given_at` is when the reply promised in
-- `promised_reply_at` was given (the next feedback, answer or resolution); the deadline job
-- marks a promise that passes unmet in `reply_breached_at`, once.
--
-- Not transactional, for the index; every statement can run again after a failure.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS withdrawn_in_writing boolean,
    ADD COLUMN IF NOT EXISTS reply_given_at timestamptz,
    ADD COLUMN IF NOT EXISTS reply_breached_at timestamptz;

-- The status check gains `withdrawn`: replaced NOT VALID and validated after, so the table is
-- not scanned under the exclusive lock.
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_status_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_status_check
    CHECK (status IN ('received', 'dispatched', 'acknowledged', 'in_progress', 'resolved', 'verified',
        'followed_up', 'withdrawn', 'closed', 'cancelled')) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_status_check;

ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_withdrawn_in_writing_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_withdrawn_in_writing_check
    CHECK (withdrawn_in_writing IS NULL OR category = 'complaint') NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_withdrawn_in_writing_check;

-- What the deadline job reads for promised replies, like tickets_feedback_pending.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_reply_pending ON tickets (site_id, promised_reply_at)
    WHERE reply_given_at IS NULL AND reply_breached_at IS NULL AND promised_reply_at IS NOT NULL AND status NOT IN ('closed', 'cancelled');
