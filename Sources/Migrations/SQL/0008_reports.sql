-- Headquarters reports: each site's figures per month, kept up to date by the application,
-- so that a portfolio over a thousand sites reads a thousand rows whatever the number of
-- tickets behind them. No triggers: every change that moves a figure queues its site and
-- months in the same transaction (report_refresh_queue); a background job recomputes the
-- queued months from the source tables and removes what it read, in one transaction.

-- The first day of the month that `at` falls in, in the site's timezone.
CREATE FUNCTION app.site_month(site uuid, at timestamptz) RETURNS date
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT date_trunc('month', at AT TIME ZONE s.timezone)::date FROM sites s WHERE s.id = site
$$;

-- One row per change: appended, never updated, so a change never waits on the job (a unique
-- row per site and month would make every change of that month wait while the job, which
-- deletes it, recomputes). The job removes exactly the rows it read before recomputing;
-- rows committed meanwhile stay for its next run.
CREATE TABLE report_refresh_queue (
    site_id uuid NOT NULL REFERENCES sites (id),
    seq bigint GENERATED ALWAYS AS IDENTITY,
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, seq)
);
SELECT app.isolate_by_site('report_refresh_queue');

-- Counters of one site and month, from which every rate of the portfolio and the trends is
-- derived by sums (over months, over sites) and ratios of sums. The ticket and booking
-- counters are those of the site's monthly statistics (…/tickets/stats, …/appointments/stats).
CREATE TABLE site_month_figures (
    site_id uuid NOT NULL REFERENCES sites (id),
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    computed_at timestamptz NOT NULL,
    tickets_received int NOT NULL DEFAULT 0,
    category_inquiry int NOT NULL DEFAULT 0,
    category_complaint int NOT NULL DEFAULT 0,
    category_repair int NOT NULL DEFAULT 0,
    category_issue_report int NOT NULL DEFAULT 0,
    category_suggestion int NOT NULL DEFAULT 0,
    category_praise int NOT NULL DEFAULT 0,
    category_other int NOT NULL DEFAULT 0,
    -- Complaints by cause class (1, 2, 3) and not yet classified.
    cause_1 int NOT NULL DEFAULT 0,
    cause_2 int NOT NULL DEFAULT 0,
    cause_3 int NOT NULL DEFAULT 0,
    cause_unclassified int NOT NULL DEFAULT 0,
    feedback_due int NOT NULL DEFAULT 0,
    feedback_on_time int NOT NULL DEFAULT 0,
    resolution_due int NOT NULL DEFAULT 0,
    resolution_on_time int NOT NULL DEFAULT 0,
    follow_up_required int NOT NULL DEFAULT 0,
    follow_up_done int NOT NULL DEFAULT 0,
    satisfaction_rated int NOT NULL DEFAULT 0,
    satisfaction_satisfied int NOT NULL DEFAULT 0,
    repeat_nonconformities int NOT NULL DEFAULT 0,
    reopened int NOT NULL DEFAULT 0,
    appointment_requests int NOT NULL DEFAULT 0,
    answer_due int NOT NULL DEFAULT 0,
    answered_in_time int NOT NULL DEFAULT 0,
    late_cancellations int NOT NULL DEFAULT 0,
    no_shows int NOT NULL DEFAULT 0,
    appointments_due int NOT NULL DEFAULT 0,
    appointments_completed int NOT NULL DEFAULT 0,
    -- Published results of cycles ending this month: how many, and their totals × 100.
    scored_results int NOT NULL DEFAULT 0,
    score_centi_sum bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, month)
);
SELECT app.isolate_by_site('site_month_figures');

-- The figures of a site as of now (not of a month): open and overdue tickets, open repeat
-- non-conformities. Recomputed with every refresh of the site.
CREATE TABLE site_current_figures (
    site_id uuid NOT NULL REFERENCES sites (id),
    open_tickets int NOT NULL,
    overdue_tickets int NOT NULL,
    open_repeat_nonconformities int NOT NULL,
    computed_at timestamptz NOT NULL,
    PRIMARY KEY (site_id)
);
SELECT app.isolate_by_site('site_current_figures');

-- What already exists is computed once by the job after this migration (the owner reads
-- every site for this one statement; the setting ends with the migration's transaction).
SELECT set_config('app.scope', 'all', true);
INSERT INTO report_refresh_queue (site_id, month)
SELECT site_id, app.site_month(site_id, received_at) FROM tickets
UNION SELECT site_id, app.site_month(site_id, requested_at) FROM appointments
UNION SELECT site_id, app.site_month(site_id, lower(slot)) FROM appointments
UNION SELECT site_id, date_trunc('month', ends_on)::date FROM assessment_cycles WHERE status = 'published';

GRANT SELECT, INSERT, UPDATE, DELETE ON report_refresh_queue TO platform_app;
-- (UPDATE only for the job's SELECT … FOR UPDATE SKIP LOCKED.)
GRANT SELECT, INSERT, UPDATE ON site_month_figures, site_current_figures TO platform_app;
GRANT SELECT ON site_month_figures, site_current_figures TO platform_report;
