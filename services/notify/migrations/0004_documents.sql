-- The monthly dispatch packs and quarterly bulletins (issue #16; services/notify/store.h, documents):
-- one row per document version with the columns the lists filter, order and constrain on, and the
-- Document as protobuf's JSON mapping in `body` (its content can be about a megabyte: jsonb takes it).

CREATE TABLE documents (
  id            text COLLATE "C" PRIMARY KEY,
  kind          text             NOT NULL,  -- the DocumentKind's name
  period        text COLLATE "C" NOT NULL,  -- "2022-09", "2022Q3"
  version       integer          NOT NULL,
  state         text             NOT NULL,  -- the DocumentState's name
  -- The number an issued document took; NULL for a draft (a draft that already carries the number
  -- of the document it corrects takes nothing yet). The Documents filter on a number reads the
  -- body's number, whatever the state.
  number        text COLLATE "C",
  -- Issued, with a 督办事项 whose case is not opened yet (case_id empty): the service retries those.
  items_pending boolean          NOT NULL,
  updated_at    timestamptz      NOT NULL DEFAULT now(),
  body          jsonb            NOT NULL,
  UNIQUE (kind, period, version)
);
-- A number is taken once per kind; a correction keeps its number under the next version.
CREATE UNIQUE INDEX documents_number ON documents (kind, number, version) WHERE number IS NOT NULL;
-- Documents' order: newest first.
CREATE INDEX documents_newest ON documents (period DESC, version DESC, id);
CREATE INDEX documents_items_pending ON documents (period DESC, version DESC, id) WHERE items_pending;

-- A rendered file kept with a document (the issued PDF), by format (the RenderFormat's name);
-- sha256: lower-case hex of data.
CREATE TABLE document_files (
  document_id text COLLATE "C" NOT NULL REFERENCES documents (id),
  format      text             NOT NULL,
  data        bytea            NOT NULL,
  sha256      text             NOT NULL,
  PRIMARY KEY (document_id, format)
);
