-- migrate: lock_timeout=5s
-- 002 上门 第十一条: a home visit is given up only when the applicant is 30 minutes late *and*
-- cannot be reached (联系不上申请人). Staff record the failed contact on the booking
-- (`contact-failed`); the no-show sweep reads it. 002 预约 第五条 / 上门 第十条: the center
-- gives 2 h / 8 h notice when it moves a booking too; a later move is a breach, counted here
-- (each with its reason on the timeline).
-- The columns come without a volatile default; the checks are added NOT VALID and validated
-- after, so the table is not scanned under the exclusive lock.
ALTER TABLE appointments
    ADD COLUMN contact_failed_at timestamptz,
    ADD COLUMN contact_failed_note text,
    ADD COLUMN late_reschedules int NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD CONSTRAINT appointments_contact_failed_check
    CHECK ((contact_failed_at IS NULL) = (contact_failed_note IS NULL)
           AND (contact_failed_at IS NULL OR home_visit)
           AND length(contact_failed_note) <= 2000) NOT VALID;
ALTER TABLE appointments VALIDATE CONSTRAINT appointments_contact_failed_check;
ALTER TABLE appointments ADD CONSTRAINT appointments_late_reschedules_check
    CHECK (late_reschedules >= 0 AND late_reschedules <= reschedule_count) NOT VALID;
ALTER TABLE appointments VALIDATE CONSTRAINT appointments_late_reschedules_check;
