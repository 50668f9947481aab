-- The gateway's store (services/gateway/store.h): the console's people, their logins and failures, and
-- the files attached to case reports. Sessions live in Redis (services/gateway/sessions.h).

CREATE TABLE users (
  login          text COLLATE "C" PRIMARY KEY,
  display_name   text             NOT NULL,
  role           text COLLATE "C" NOT NULL,
  password_hash  text             NOT NULL,  -- argon2id, PHC string
  disabled       boolean          NOT NULL DEFAULT false,
  failed_logins  integer          NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  created_at     timestamptz      NOT NULL,
  last_login_at  timestamptz
);

-- Every login, failure and logout (issue #15: "every login and failure audited"); append-only.
CREATE TABLE login_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz      NOT NULL,
  login       text COLLATE "C" NOT NULL,
  address     text             NOT NULL,
  outcome     text COLLATE "C" NOT NULL,
  user_agent  text             NOT NULL DEFAULT ''
);
CREATE INDEX login_audit_login ON login_audit (login, id DESC);

-- Files by content (SHA-256): the same file uploaded twice is one row.
CREATE TABLE attachments (
  sha256        text COLLATE "C" PRIMARY KEY,
  filename      text             NOT NULL,
  content_type  text             NOT NULL,
  size          bigint           NOT NULL,
  content       bytea            NOT NULL,
  uploaded_at   timestamptz      NOT NULL,
  uploaded_by   text             NOT NULL,  -- the person's login
  uploader_role text COLLATE "C" NOT NULL   -- who may read it back besides the office: see console.h
);
