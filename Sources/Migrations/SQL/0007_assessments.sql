-- Staff assessments (绩效考核): templates over the four dimensions, cycles, scores with
-- revisions, and results frozen at publication.

-- A template's items: [{dimension, name, weight, scaleMax}] (weights add up to 100,
-- checked by the application when the template is saved).
CREATE TABLE assessment_templates (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind text NOT NULL CHECK (kind IN ('regular', 'probation')),
    items jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code)
);
SELECT app.isolate_by_site('assessment_templates');

CREATE TABLE assessment_cycles (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    template_id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    period text NOT NULL CHECK (period IN ('monthly', 'quarterly', 'annual')),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    -- Who is assessed: active staff of these departments and posts (empty: all).
    department_ids uuid[] NOT NULL DEFAULT '{}',
    post_ids uuid[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'manager_review', 'calibrated', 'published')),
    published_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    FOREIGN KEY (site_id, template_id) REFERENCES assessment_templates (site_id, id),
    CHECK (ends_on >= starts_on)
);
SELECT app.isolate_by_site('assessment_cycles');

-- Every scoring is a revision; the latest counts. Append-only for the application.
CREATE TABLE assessment_scores (
    site_id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    staff_id uuid NOT NULL,
    revision int NOT NULL CHECK (revision > 0),
    scores numeric[] NOT NULL,
    total numeric(6, 2) NOT NULL,
    after_publication boolean NOT NULL DEFAULT false,
    reason text CHECK (length(reason) <= 2000),
    actor_id uuid,
    at timestamptz NOT NULL,
    PRIMARY KEY (site_id, cycle_id, staff_id, revision),
    FOREIGN KEY (site_id, cycle_id) REFERENCES assessment_cycles (site_id, id),
    FOREIGN KEY (site_id, staff_id) REFERENCES staff (site_id, id)
);
SELECT app.isolate_by_site('assessment_scores');

-- Results as published: frozen; later score revisions do not change them.
CREATE TABLE assessment_results (
    site_id uuid NOT NULL,
    cycle_id uuid NOT NULL,
    staff_id uuid NOT NULL,
    total numeric(6, 2) NOT NULL,
    rank int NOT NULL,
    post_rank int NOT NULL,
    percentile numeric(5, 1) NOT NULL,
    bottom boolean NOT NULL,
    explanation text NOT NULL,
    follow_up text CHECK (follow_up IN ('retraining', 'reassignment', 'probation')),
    follow_up_note text CHECK (length(follow_up_note) <= 2000),
    follow_up_by uuid,
    follow_up_at timestamptz,
    PRIMARY KEY (site_id, cycle_id, staff_id),
    FOREIGN KEY (site_id, cycle_id) REFERENCES assessment_cycles (site_id, id),
    FOREIGN KEY (site_id, staff_id) REFERENCES staff (site_id, id),
    CHECK (follow_up IS NULL OR bottom)
);
SELECT app.isolate_by_site('assessment_results');

GRANT SELECT, INSERT, UPDATE ON assessment_templates, assessment_cycles, assessment_results TO platform_app;
GRANT SELECT, INSERT ON assessment_scores TO platform_app;
GRANT SELECT ON assessment_templates, assessment_cycles, assessment_scores, assessment_results TO platform_report;
