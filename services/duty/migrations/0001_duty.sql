-- The duty service's store of record (services/duty/store.h). Each kind has the columns its
-- queries filter and order on, and the message itself as protobuf's JSON mapping (proto field
-- names) in `body`. Identifiers are ASCII compared byte by byte (COLLATE "C"): paging by id and
-- the order of lists must not depend on the database's linguistic collation. The outbox and inbox
-- tables come from the common migrations.

-- The directory of resident units, windows and leaders: every import is a new version, kept.
CREATE TABLE directory_versions (
  version     bigint      PRIMARY KEY,
  imported_at timestamptz,
  imported_by text        NOT NULL DEFAULT '',
  body        jsonb       NOT NULL
);

-- 表1 登记表.
CREATE TABLE registrations (
  id        text COLLATE "C" PRIMARY KEY,
  unit      text COLLATE "C" NOT NULL,
  leader_id text COLLATE "C" NOT NULL,
  date      date             NOT NULL,
  cancelled boolean          NOT NULL,
  body      jsonb            NOT NULL
);
CREATE INDEX registrations_unit_date ON registrations (unit, date);
CREATE INDEX registrations_leader_date ON registrations (leader_id, date);
CREATE INDEX registrations_date ON registrations (date);

-- 表2 情况记录单 (registration_id is empty for a sitting nobody registered).
CREATE TABLE records (
  id              text COLLATE "C" PRIMARY KEY,
  registration_id text COLLATE "C" NOT NULL DEFAULT '',
  unit            text COLLATE "C" NOT NULL,
  leader_id       text COLLATE "C" NOT NULL,
  date            date             NOT NULL,
  body            jsonb            NOT NULL
);
CREATE INDEX records_unit_date ON records (unit, date);
CREATE INDEX records_leader_date ON records (leader_id, date);
CREATE INDEX records_date ON records (date);

-- A main leader excused from a month (细则 二1 "原则上").
CREATE TABLE exemptions (
  leader_id text COLLATE "C" NOT NULL,
  month     text COLLATE "C" NOT NULL,  -- 2022-10
  body      jsonb            NOT NULL,
  PRIMARY KEY (leader_id, month)
);

-- Window staff (办法).
CREATE TABLE staff (
  id     text COLLATE "C" PRIMARY KEY,
  unit   text COLLATE "C" NOT NULL,
  active boolean          NOT NULL,
  body   jsonb            NOT NULL
);
CREATE INDEX staff_unit ON staff (unit, id);

-- One line per person and day from the attendance system; "" when there was no clock-in/out.
CREATE TABLE attendance (
  staff_id  text COLLATE "C" NOT NULL,
  date      date             NOT NULL,
  clock_in  text             NOT NULL DEFAULT '',  -- HH:MM
  clock_out text             NOT NULL DEFAULT '',
  mark      text             NOT NULL,             -- the AttendanceMark's name
  PRIMARY KEY (staff_id, date)
);
CREATE INDEX attendance_date ON attendance (date);

-- 办法 12 一票清退.
CREATE TABLE dismissals (
  id   text COLLATE "C" PRIMARY KEY,
  unit text COLLATE "C" NOT NULL,
  body jsonb            NOT NULL
);
CREATE INDEX dismissals_unit ON dismissals (unit, id);

-- The roster as published for an ISO week (细则 四1 公布本周进驻单位领导坐班名单).
CREATE TABLE rosters (
  week         text COLLATE "C" PRIMARY KEY,  -- 2022-W40
  published_at timestamptz,
  body         jsonb            NOT NULL
);

-- What happens once (a reminder, a flag, a report): the first replica to insert the key sends it.
CREATE TABLE once_marks (
  key text COLLATE "C" PRIMARY KEY,
  at  timestamptz      NOT NULL
);

-- Every change, append-only.
CREATE TABLE audit (
  id      bigserial        PRIMARY KEY,
  at      timestamptz      NOT NULL,
  actor   text             NOT NULL,
  action  text             NOT NULL,
  subject text COLLATE "C" NOT NULL,
  before  text             NOT NULL DEFAULT '',
  after   text             NOT NULL DEFAULT ''
);
CREATE INDEX audit_subject ON audit (subject, id);

-- Ids per kind, never reused (a rolled-back unit of work leaves a gap): DR 表1 registrations,
-- DK 表2 records, WS window staff, QT 清退 dismissals.
CREATE SEQUENCE id_dr;
CREATE SEQUENCE id_dk;
CREATE SEQUENCE id_ws;
CREATE SEQUENCE id_qt;
