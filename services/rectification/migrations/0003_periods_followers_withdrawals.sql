-- Issue #12: a later period's failure is its own case; county cases have followers; a withdrawn
-- alert flags its cases for the office; the ladder is 督办 plus the office's local steps; a referral
-- to 市纪委监委 is the office's decision.

-- The period (and what else queries filter on) as columns. Cases stored before this migration keep
-- '' here: their period is only in the body (the code reads it from there).
ALTER TABLE cases
  ADD COLUMN period             text    NOT NULL DEFAULT '',
  ADD COLUMN resolution         text    NOT NULL DEFAULT '',   -- '' or 'withdrawn' (closed cases)
  ADD COLUMN alert_withdrawn    boolean NOT NULL DEFAULT false, -- awaiting the office's review
  ADD COLUMN referral_suggested boolean NOT NULL DEFAULT false, -- local policy: awaiting the office
  ADD COLUMN ladder_rung        int     NOT NULL DEFAULT 0;     -- ladder steps taken for the due time
-- The old ladder's levels (督办 1, 提级办理 2, referral 3) were its steps taken.
UPDATE cases SET ladder_rung = escalation;

-- §四(五) gives each period's 排名靠后 its own month: one unfinished alert case per unit, indicator
-- and period (no longer per unit and indicator). Also what keeps two replicas from opening two cases
-- for the same fall at once (the loser retries and links).
DROP INDEX cases_one_open_per_indicator;
CREATE UNIQUE INDEX cases_one_open_per_period ON cases (unit, indicator_code, period)
  WHERE origin = 'ORIGIN_RANKING_ALERT' AND state NOT IN ('STATE_VERIFIED', 'STATE_CLOSED');
CREATE INDEX cases_open_alert_indicator ON cases (unit, indicator_code)
  WHERE origin = 'ORIGIN_RANKING_ALERT' AND state NOT IN ('STATE_VERIFIED', 'STATE_CLOSED');

-- Which alert each key came from, for a withdrawal. Keys stored before this have '': a withdrawal
-- finds them by the key its alert would have (unit, indicator, period, rule).
ALTER TABLE alert_keys ADD COLUMN alert_id text NOT NULL DEFAULT '';
CREATE INDEX alert_keys_alert ON alert_keys (alert_id);

-- The city units that follow a county case (带班领导职责③): they read it; the county reports.
CREATE TABLE case_followers (
  case_id text NOT NULL REFERENCES cases (id),
  unit    text NOT NULL,
  PRIMARY KEY (case_id, unit)
);
CREATE INDEX case_followers_unit ON case_followers (unit, case_id);
