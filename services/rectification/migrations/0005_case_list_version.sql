-- The version of the case list (issue #18): one number that every committed change to `cases` moves
-- on (CaseWrites::Flush, in the change's own transaction). A replica keeps every case parsed in
-- memory for ListCases (CaseListCache) and asks only this number per call: the same number is the
-- same committed cases, whichever replica wrote them.
CREATE TABLE case_list_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  n   bigint  NOT NULL
);
INSERT INTO case_list_version VALUES (true, 0);
