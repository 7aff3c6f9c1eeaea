-- migrate: lock_timeout=5s
-- What a post asks of whoever is assigned to it besides certificates (rulebook 000): its
-- level, which sets the education needed (管理层 大专以上 → 'management', 操作层 高中以上 →
-- 'operator'), and whether only veterans may hold it (内保岗位要求是退伍军人). The check is
-- added NOT VALID and validated after, so the table is not scanned under the exclusive lock.
ALTER TABLE posts ADD COLUMN level text NOT NULL DEFAULT 'operator';
ALTER TABLE posts ADD COLUMN veterans_only boolean NOT NULL DEFAULT false;
ALTER TABLE posts ADD CONSTRAINT posts_level_check CHECK (level IN ('management', 'operator')) NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_level_check;

-- Existing sites get what new ones start with: posts of a management department are
-- management posts, and a hospital's security guards are veterans only. This applies to
-- later assignments; nobody already on a post is moved. (The owner reads every site for
-- these statements; the setting ends with the migration's transaction.)
SELECT set_config('app.scope', 'all', true);
UPDATE posts p SET level = 'management'
FROM departments d WHERE d.site_id = p.site_id AND d.id = p.department_id AND d.kind = 'management';
UPDATE posts p SET veterans_only = true
FROM sites s WHERE s.id = p.site_id AND s.kind = 'hospital' AND p.code = 'security_guard';
