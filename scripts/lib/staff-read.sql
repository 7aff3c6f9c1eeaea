-- The staff read's transaction as platform-server sends it for GET /api/v1/sites/{code}/staff/{id},
-- with pgbench variables for the values that differ from user to user (-M prepared sends them
-- as parameters, as the server does). Shared by scripts/bench-api and scripts/bench-rls.
BEGIN;
SELECT set_config('app.scope', 'sites', true), set_config('app.site_ids', :site_ids, true), set_config('app.actor_id', :actor_id, true), set_config('app.role', 'site_manager', true), set_config('statement_timeout', '5000', true);
SELECT id, employee_no, name, phone, department_id, post_id, education, hire_date, probation_until, mentor_id, is_veteran, status, version, created_at, updated_at, supervisor_id FROM staff WHERE site_id = :site_id AND id = :staff_id;
COMMIT;
