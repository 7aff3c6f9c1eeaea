-- migrate: no-transaction
-- A site's posts are listed with their number of active holders, and retiring a post asks
-- whether anyone still holds it: both look staff up by post. A site may have 100,000 staff
-- (tenant import), so this must not read them all.
CREATE INDEX CONCURRENTLY IF NOT EXISTS staff_post ON staff (site_id, post_id) WHERE post_id IS NOT NULL;
