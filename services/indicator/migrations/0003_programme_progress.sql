-- Monthly progress reports on programme items, one current report per (item, month, unit); earlier
-- versions are kept in audit_log.
CREATE TABLE programme_progress (
  item_code   text        NOT NULL,
  month       text        NOT NULL,
  unit        text        NOT NULL,
  status      text        NOT NULL,
  percent     int         NOT NULL CHECK (percent BETWEEN 0 AND 100),
  text        text        NOT NULL,
  reported_by text        NOT NULL,
  reported_at timestamptz NOT NULL,
  version     bigint      NOT NULL,
  PRIMARY KEY (item_code, month, unit)
);
