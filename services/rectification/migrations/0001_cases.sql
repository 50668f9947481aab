-- The rectification service's store of record (DESIGN §2 rectification).
CREATE SEQUENCE case_number;

-- One row per case: the columns queries filter on, and the case itself (without its history).
CREATE TABLE cases (
  id             text        PRIMARY KEY,
  origin         text        NOT NULL,
  unit           text        NOT NULL,
  region_code    text        NOT NULL DEFAULT '',
  indicator_code text        NOT NULL DEFAULT '',
  state          text        NOT NULL,
  escalation     int         NOT NULL DEFAULT 0,
  opened_at      timestamptz NOT NULL,
  due_at         timestamptz NOT NULL,
  reported_at    timestamptz,
  closed_at      timestamptz,
  version        bigint      NOT NULL DEFAULT 1,
  body           bytea       NOT NULL
);
CREATE INDEX cases_unit_due ON cases (unit, due_at, id);
CREATE INDEX cases_due ON cases (due_at, id);
CREATE INDEX cases_state_due ON cases (state, due_at, id);
CREATE INDEX cases_outstanding_due ON cases (due_at)
  WHERE state IN ('STATE_OPEN', 'STATE_IN_PROGRESS', 'STATE_REJECTED', 'STATE_REOPENED');
CREATE INDEX cases_opened ON cases (opened_at);
-- At most one unfinished alert case per unit and indicator: a later fall links to it. Also what
-- keeps two replicas from opening two cases for the same fall at once (the loser retries and links).
CREATE UNIQUE INDEX cases_one_open_per_indicator ON cases (unit, indicator_code)
  WHERE origin = 'ORIGIN_RANKING_ALERT' AND state NOT IN ('STATE_VERIFIED', 'STATE_CLOSED');

-- Which case each (unit, indicator, period, rule) of an alert went to: the same alert again is a no-op.
CREATE TABLE alert_keys (
  unit           text NOT NULL,
  indicator_code text NOT NULL,
  period         text NOT NULL,
  rule           text NOT NULL,
  case_id        text NOT NULL REFERENCES cases (id),
  PRIMARY KEY (unit, indicator_code, period, rule)
);

-- Every change, append-only.
CREATE TABLE case_history (
  seq     bigserial   PRIMARY KEY,
  case_id text        NOT NULL REFERENCES cases (id),
  at      timestamptz NOT NULL,
  actor   text        NOT NULL,
  action  text        NOT NULL,
  before  text        NOT NULL DEFAULT '',
  after   text        NOT NULL DEFAULT '',
  note    text        NOT NULL DEFAULT ''
);
CREATE INDEX case_history_case ON case_history (case_id, seq);

-- Each escalation step of each case, once per deadline (an extended or reopened case climbs the
-- ladder again from its new due time).
CREATE TABLE escalations (
  case_id text        NOT NULL REFERENCES cases (id),
  due_at  timestamptz NOT NULL,
  level   int         NOT NULL,
  at      timestamptz NOT NULL,
  PRIMARY KEY (case_id, due_at, level)
);
