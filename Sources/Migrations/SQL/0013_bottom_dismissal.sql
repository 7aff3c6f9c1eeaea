-- migrate: lock_timeout=5s
-- The bottom group's follow-up may be dismissal (淘汰) besides retraining, reassignment and
-- probation: 末位淘汰 names it. The check is replaced NOT VALID and validated after, so the
-- table is not scanned under the exclusive lock.
ALTER TABLE assessment_results DROP CONSTRAINT assessment_results_follow_up_check;
ALTER TABLE assessment_results ADD CONSTRAINT assessment_results_follow_up_check
    CHECK (follow_up IN ('retraining', 'reassignment', 'probation', 'dismissal')) NOT VALID;
ALTER TABLE assessment_results VALIDATE CONSTRAINT assessment_results_follow_up_check;
