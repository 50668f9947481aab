-- A case opened by hand from a reference (a bulletin's number, an inspection record) is opened once
-- per unit, indicator and period: the same request again (a retry after a lost answer) returns the
-- first case instead of opening a second one. Requests without a reference are not deduplicated.
CREATE TABLE manual_case_refs (
  origin         text NOT NULL,
  origin_ref     text NOT NULL,
  unit           text NOT NULL,
  indicator_code text NOT NULL,
  period         text NOT NULL,
  case_id        text NOT NULL REFERENCES cases (id),
  PRIMARY KEY (origin, origin_ref, unit, indicator_code, period)
);
