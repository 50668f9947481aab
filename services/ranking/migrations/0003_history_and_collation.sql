-- Fact keys and codes are ASCII identifiers: compare them byte by byte (COLLATE "C") instead of
-- through the database's linguistic collation, which made every index comparison a strcoll and
-- key lookups about twice as slow (bench/ranking_ingest).
ALTER TABLE current_facts
  ALTER COLUMN fact_key TYPE text COLLATE "C",
  ALTER COLUMN indicator_code TYPE text COLLATE "C",
  ALTER COLUMN scope TYPE text COLLATE "C",
  ALTER COLUMN region_code TYPE text COLLATE "C",
  ALTER COLUMN period TYPE text COLLATE "C";
ALTER TABLE alerts ALTER COLUMN id TYPE text COLLATE "C", ALTER COLUMN period TYPE text COLLATE "C";
ALTER TABLE consequences ALTER COLUMN alert_id TYPE text COLLATE "C";

-- Every revision is kept once: the current one in current_facts (its body), every other one here.
-- A fact's first revision — nearly every fact — is now one row, not two. A revision that is
-- superseded moves here in the transaction that supersedes it.
DELETE FROM fact_revisions r USING current_facts c
  WHERE r.fact_key = c.fact_key AND r.revision = c.revision;
ALTER TABLE fact_revisions ALTER COLUMN fact_key TYPE text COLLATE "C";

-- Every revision of every fact, current or not, for operators and audits.
CREATE VIEW revisions AS
  SELECT fact_key, revision, body, updated_at AS received_at, true AS current FROM current_facts
  UNION ALL
  SELECT fact_key, revision, body, received_at, false FROM fact_revisions;
