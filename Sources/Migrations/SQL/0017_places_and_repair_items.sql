-- migrate: no-transaction
-- migrate: lock_timeout=5s
-- Repeats are about the same matter (rulebook 004 (八): 连续就同一事项投诉两次以上、同一种维修
-- 三次以上), so a site keeps a register of its places (一户一卡: households, rooms, wards, beds,
-- windows, common areas) and a catalogue of repair items (维修项目) with the fee schedule
-- (收费标准) and each item's scale (小型维修当天, 较大型三天内). A ticket names a place and,
-- for repairs, an item; a complaint names its subject. `subject_key` and `places.name_key` hold
-- the text as compared (case, spaces, full-width forms and dashes folded by the application).
--
-- Not transactional, for the indexes on tickets; every statement can run again after a failure.
CREATE TABLE IF NOT EXISTS places (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,39}$'),
    kind text NOT NULL CHECK (kind IN ('household', 'room', 'ward', 'bed', 'window', 'area')),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    name_key text NOT NULL,
    building text CHECK (length(building) <= 50),
    floor text CHECK (length(floor) <= 20),
    unit text CHECK (length(unit) <= 50),
    ward text CHECK (length(ward) <= 50),
    bed text CHECK (length(bed) <= 20),
    service_window text CHECK (length(service_window) <= 50),
    contact_name text CHECK (length(contact_name) <= 100),
    contact_phone text CHECK (length(contact_phone) <= 30),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code)
);
CREATE INDEX IF NOT EXISTS places_name_key ON places (site_id, name_key);
CREATE INDEX IF NOT EXISTS places_code_key ON places (site_id, lower(code));
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = 'places') THEN
        PERFORM app.isolate_by_site('places');
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS repair_items (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    scale text NOT NULL CHECK (scale IN ('small', 'large')),
    fee numeric(12, 2) CHECK (fee >= 0),
    fee_unit text CHECK (length(fee_unit) <= 20),
    fee_note text CHECK (length(fee_note) <= 500),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, code)
);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = 'repair_items') THEN
        PERFORM app.isolate_by_site('repair_items');
    END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE ON places, repair_items TO platform_app;
GRANT SELECT ON places, repair_items TO platform_report;

ALTER TABLE tickets ADD COLUMN IF NOT EXISTS place_id uuid,
    ADD COLUMN IF NOT EXISTS repair_item_id uuid,
    ADD COLUMN IF NOT EXISTS subject text,
    ADD COLUMN IF NOT EXISTS subject_key text;

-- Added NOT VALID and validated after, so the table is not scanned under the exclusive lock.
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_place_fkey;
ALTER TABLE tickets ADD CONSTRAINT tickets_place_fkey FOREIGN KEY (site_id, place_id) REFERENCES places (site_id, id) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_place_fkey;
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_repair_item_fkey;
ALTER TABLE tickets ADD CONSTRAINT tickets_repair_item_fkey FOREIGN KEY (site_id, repair_item_id) REFERENCES repair_items (site_id, id) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_repair_item_fkey;
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_subject_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_subject_check CHECK (length(subject) <= 100) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_subject_check;
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_repair_item_category_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_repair_item_category_check CHECK (repair_item_id IS NULL OR category = 'repair') NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_repair_item_category_check;

-- What repeat detection reads: complaints by subject, repairs by item, and a place's tickets.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_subject_received ON tickets (site_id, subject_key, received_at)
    WHERE subject_key IS NOT NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_repair_item_received ON tickets (site_id, repair_item_id, received_at)
    WHERE repair_item_id IS NOT NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_place_received ON tickets (site_id, place_id, received_at)
    WHERE place_id IS NOT NULL;
