-- 考核奖惩 (work plan §四(七)): the consequences follow the year's assessment. A line from a month or
-- a quarter is a warning (at risk); one from a year-period fact is pending until the office
-- finalises the year (year_finalisations), then incurred. A correction that no longer raises an
-- alert withdraws it and its lines: kept, marked with the revision that withdrew them.
ALTER TABLE consequences
  ADD COLUMN standing text NOT NULL DEFAULT 'STANDING_AT_RISK',
  ADD COLUMN withdrawn_revision bigint,
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN finalisation bigint;
UPDATE consequences SET standing = 'STANDING_PENDING' WHERE alert_id ~ '/[0-9]{4}$';
CREATE INDEX consequences_alert ON consequences (alert_id);

ALTER TABLE alerts
  ADD COLUMN withdrawn_revision bigint,
  ADD COLUMN withdrawn_at timestamptz;
CREATE INDEX alerts_fact ON alerts (indicator_code, region_code, period);

-- The office's audited "finalise year" steps: who, when, why, how many lines each confirmed.
CREATE TABLE year_finalisations (
  id           bigserial   PRIMARY KEY,
  year         int         NOT NULL,
  finalised_by text        NOT NULL,
  reason       text        NOT NULL,
  finalised_at timestamptz NOT NULL,
  lines        int         NOT NULL
);
CREATE INDEX year_finalisations_year ON year_finalisations (year, id);
