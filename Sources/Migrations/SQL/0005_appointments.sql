-- Appointments (预约服务 / 上门服务): service items, the windows and field teams that serve
-- them, and bookings with their timeline. Capacity and staff overlaps are enforced by
-- exclusion constraints (btree_gist), so they hold under any concurrency.

-- Service items (事项): what an applicant books.
CREATE TABLE service_items (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    department_id uuid NOT NULL,
    duration_minutes int NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    capacity_per_slot int NOT NULL CHECK (capacity_per_slot BETWEEN 1 AND 100),
    -- What to bring (一次性告知), returned on confirmation.
    documents text[] NOT NULL DEFAULT '{}',
    home_visit_allowed boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code),
    FOREIGN KEY (site_id, department_id) REFERENCES departments (site_id, id)
);
SELECT app.isolate_by_site('service_items');

-- Windows (窗口) and field teams: where or by whom items are served, open by a working calendar.
CREATE TABLE service_windows (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_]{0,31}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind text NOT NULL CHECK (kind IN ('counter', 'field_team')),
    department_id uuid NOT NULL,
    calendar_id uuid NOT NULL,
    item_ids uuid[] NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code),
    FOREIGN KEY (site_id, department_id) REFERENCES departments (site_id, id),
    FOREIGN KEY (site_id, calendar_id) REFERENCES working_calendars (site_id, id)
);
CREATE INDEX service_windows_items ON service_windows USING gin (item_ids);
SELECT app.isolate_by_site('service_windows');

-- Bookings (预约登记表). Every booking stays on record whatever becomes of it.
CREATE TABLE appointments (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    item_id uuid NOT NULL,
    window_id uuid NOT NULL,
    slot tstzrange NOT NULL CHECK (NOT isempty(slot) AND lower_inc(slot) AND NOT upper_inc(slot)),
    -- Which of the slot's places (1 … capacity) the booking holds.
    seat int NOT NULL CHECK (seat BETWEEN 1 AND 100),
    channel text NOT NULL CHECK (channel IN ('on_site', 'phone', 'online')),
    status text NOT NULL CHECK (status IN ('requested', 'confirmed', 'refused', 'checked_in', 'completed',
        'cancelled_by_applicant', 'cancelled_by_center', 'no_show')),
    applicant_name text NOT NULL CHECK (length(btrim(applicant_name)) BETWEEN 1 AND 100),
    applicant_phone text NOT NULL CHECK (length(applicant_phone) BETWEEN 5 AND 20),
    -- Stored for the window's identity check; responses show it masked.
    applicant_id_number text CHECK (length(applicant_id_number) <= 32),
    home_visit boolean NOT NULL DEFAULT false,
    home_visit_reason text CHECK (home_visit_reason IN ('elderly', 'sick', 'disabled', 'key_project')),
    address text CHECK (length(address) <= 200),
    assigned_staff_id uuid,
    note text CHECK (length(note) <= 2000),
    requested_at timestamptz NOT NULL,
    confirm_due_at timestamptz NOT NULL,
    confirmed_at timestamptz,
    refused_at timestamptz,
    refusal_reason text,
    checked_in_at timestamptz,
    completed_at timestamptz,
    result text,
    satisfaction text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    cancelled_at timestamptz,
    cancel_reason text,
    -- A center cancellation with less notice than the rule asks: a breach counted against the window.
    late_cancellation boolean NOT NULL DEFAULT false,
    no_show_at timestamptz,
    confirm_overdue_at timestamptz,
    reschedule_count int NOT NULL DEFAULT 0,
    complaint_ticket_id uuid,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    FOREIGN KEY (site_id, item_id) REFERENCES service_items (site_id, id),
    FOREIGN KEY (site_id, window_id) REFERENCES service_windows (site_id, id),
    FOREIGN KEY (site_id, assigned_staff_id) REFERENCES staff (site_id, id),
    FOREIGN KEY (site_id, complaint_ticket_id) REFERENCES tickets (site_id, id),
    CHECK (NOT home_visit OR (home_visit_reason IS NOT NULL AND address IS NOT NULL)),
    -- One booking per place of a slot: capacity is exact under concurrency.
    CONSTRAINT appointments_no_double_booking EXCLUDE USING gist (site_id WITH =, window_id WITH =, seat WITH =, slot WITH &&)
        WHERE (status IN ('requested', 'confirmed', 'checked_in', 'completed')),
    -- A staff member makes one home visit at a time.
    CONSTRAINT appointments_no_overlapping_visits EXCLUDE USING gist (site_id WITH =, assigned_staff_id WITH =, slot WITH &&)
        WHERE (home_visit AND assigned_staff_id IS NOT NULL AND status IN ('confirmed', 'checked_in', 'completed'))
);
CREATE INDEX appointments_requested ON appointments (site_id, requested_at DESC, id DESC);
CREATE INDEX appointments_start ON appointments (site_id, lower(slot), id);
CREATE INDEX appointments_window_slot ON appointments USING gist (site_id, window_id, slot);
CREATE INDEX appointments_pending_confirmation ON appointments (site_id, confirm_due_at)
    WHERE status = 'requested' AND confirm_overdue_at IS NULL;
CREATE INDEX appointments_awaiting_arrival ON appointments (site_id, lower(slot)) WHERE status = 'confirmed';
SELECT app.isolate_by_site('appointments');

-- The booking's timeline: one row per action, numbered by the version it produced.
CREATE TABLE appointment_events (
    site_id uuid NOT NULL,
    appointment_id uuid NOT NULL,
    seq int NOT NULL,
    at timestamptz NOT NULL,
    action text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    actor_id uuid,
    actor_role text NOT NULL,
    note text CHECK (length(note) <= 2000),
    detail jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (site_id, appointment_id, seq),
    FOREIGN KEY (site_id, appointment_id) REFERENCES appointments (site_id, id)
);
SELECT app.isolate_by_site('appointment_events');

-- Tickets may point at the booking they came from (added NOT VALID: tickets already exist).
ALTER TABLE tickets ADD CONSTRAINT tickets_appointment_fkey
    FOREIGN KEY (site_id, appointment_id) REFERENCES appointments (site_id, id) NOT VALID;

GRANT SELECT, INSERT, UPDATE ON service_items, service_windows, appointments TO platform_app;
GRANT SELECT, INSERT ON appointment_events TO platform_app;
GRANT SELECT ON service_items, service_windows, appointments, appointment_events TO platform_report;
