-- 惠企通 policy redemptions: the current state of each, with the time each status was reached
-- (events may arrive out of order, so each *_at is recorded whenever its event arrives).
CREATE TABLE redemptions (
  redemption_id          text        PRIMARY KEY,
  policy_id              text        NOT NULL,
  policy_name            text        NOT NULL,
  enterprise_credit_code text        NOT NULL,
  county_code            text        NOT NULL,
  department             text        NOT NULL,
  amount_fen             bigint      NOT NULL CHECK (amount_fen >= 0),
  status                 text        NOT NULL,
  status_time            timestamptz NOT NULL,
  applied_at             timestamptz,
  approved_at            timestamptz,
  paid_at                timestamptz,
  rejected_at            timestamptz,
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redemptions_applied ON redemptions (applied_at);
CREATE INDEX redemptions_paid ON redemptions (paid_at);
