-- Licences (持证上岗): certificates held by staff, and the licensed post a piece of work
-- needs (a ticket's, a service item's), so that work is assigned only to certified staff.

CREATE TABLE staff_certificates (
    site_id uuid NOT NULL REFERENCES sites (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    staff_id uuid NOT NULL,
    certificate_type text NOT NULL REFERENCES certificate_types (code),
    number text NOT NULL CHECK (length(btrim(number)) BETWEEN 1 AND 64),
    issuer text CHECK (length(issuer) <= 100),
    issued_on date NOT NULL,
    -- Valid through this day, in the site's timezone.
    expires_on date NOT NULL,
    -- Where the scanned certificate is kept (document system reference or URL).
    document_ref text CHECK (length(document_ref) <= 300),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, id),
    UNIQUE (site_id, certificate_type, number),
    FOREIGN KEY (site_id, staff_id) REFERENCES staff (site_id, id),
    CHECK (expires_on >= issued_on)
);
CREATE INDEX staff_certificates_staff ON staff_certificates (site_id, staff_id, certificate_type, expires_on);
CREATE INDEX staff_certificates_expiry ON staff_certificates (site_id, expires_on);
SELECT app.isolate_by_site('staff_certificates');

-- The licensed post work needs (e.g. 电梯司机 for an elevator repair).
ALTER TABLE tickets ADD COLUMN required_post_id uuid;
ALTER TABLE tickets ADD CONSTRAINT tickets_required_post_fkey
    FOREIGN KEY (site_id, required_post_id) REFERENCES posts (site_id, id) NOT VALID;
ALTER TABLE service_items ADD COLUMN post_id uuid;
ALTER TABLE service_items ADD CONSTRAINT service_items_post_fkey
    FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id) NOT VALID;

GRANT SELECT, INSERT, UPDATE ON staff_certificates TO platform_app;
GRANT SELECT ON staff_certificates TO platform_report;
