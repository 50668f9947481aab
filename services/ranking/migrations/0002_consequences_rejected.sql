-- 考核奖惩: the ledger of what each alert costs a unit or county in its year (work plan 四(十)).
CREATE TABLE consequences (
  alert_id       text        NOT NULL,
  subject        text        NOT NULL,
  kind           text        NOT NULL,
  year           int         NOT NULL,
  county         boolean     NOT NULL,
  body           bytea       NOT NULL,
  PRIMARY KEY (alert_id, subject, kind)
);
CREATE INDEX consequences_year ON consequences (year, subject);

-- Refused Kafka submissions (also on ys.rankings.dlq.v1), for ListRejected and Replay.
CREATE TABLE rejected_submissions (
  id           text        PRIMARY KEY,  -- dlq:<topic>:<partition>:<offset>
  event_id     text        NOT NULL,
  header_names text[]      NOT NULL,
  header_values text[]     NOT NULL,
  record_key   text        NOT NULL,
  body         bytea       NOT NULL,
  error        text        NOT NULL,
  code         text        NOT NULL,
  rejected_at  timestamptz NOT NULL,
  attempts     int         NOT NULL DEFAULT 1,
  replayed_at  timestamptz
);
CREATE INDEX rejected_submissions_open ON rejected_submissions (rejected_at) WHERE replayed_at IS NULL;
