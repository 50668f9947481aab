// PgNotifyTx's documents (pg_store_tx.h; migrations/0004_documents.sql): one row per dispatch pack or
// bulletin version, with the columns Documents filters and orders on and the Document as protobuf's
// JSON in `body`; its rendered files as bytea beside it.

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/pg/json_rows.h"
#include "common/status/macros.h"
#include "services/notify/pg_store_rows.h"
#include "services/notify/pg_store_tx.h"

namespace ys::notify::pg_store_internal {
namespace {

// The transaction-scoped advisory lock issuing takes ("YSNOTI" and 2; imports take 1, pg_store.cc).
constexpr int64_t kDocumentsLockKey = 0x5953'4e4f'5449'0002;

// $1 kind, $2 period, $3 number (the body's: any state), $4 state, $5 items_pending.
constexpr char kDocumentsWhere[] =
    "($1::text = '' OR kind = $1) AND ($2::text = '' OR period = $2) AND "
    "($3::text = '' OR body->>'number' = $3) AND ($4::text = '' OR state = $4) AND "
    "(NOT $5::boolean OR items_pending)";

// Issued, with a 督办事项 whose case is not opened yet: what the service still has to open.
bool ItemsPending(const pb::Document& d) {
  return d.state() == pb::DOCUMENT_STATE_ISSUED &&
         std::any_of(d.items().begin(), d.items().end(),
                     [](const pb::SupervisionItem& item) { return item.case_id().empty(); });
}

absl::Status CheckFormat(pb::RenderFormat format) {
  if (format == pb::RENDER_FORMAT_UNSPECIFIED) return absl::InvalidArgumentError("format is unspecified");
  return absl::OkStatus();
}

}  // namespace

absl::Status PgNotifyTx::PutDocument(const pb::Document& d) {
  RETURN_IF_ERROR(CheckKey(d.id(), "document.id"));
  ASSIGN_OR_RETURN(std::string body, ToJson(d));
  // Only an issued document has taken its number (the unique index documents_number).
  const std::string number = d.state() == pb::DOCUMENT_STATE_ISSUED ? d.number() : "";
  return Run([&]() {
    tx_.exec_params(
        "INSERT INTO documents (id, kind, period, version, state, number, items_pending, updated_at, body) "
        "VALUES ($1, $2, $3, $4, $5, NULLIF($6::text, ''), $7, now(), $8::jsonb) "
        "ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, period = EXCLUDED.period, "
        "version = EXCLUDED.version, state = EXCLUDED.state, number = EXCLUDED.number, "
        "items_pending = EXCLUDED.items_pending, updated_at = EXCLUDED.updated_at, body = EXCLUDED.body",
        d.id(), pb::DocumentKind_Name(d.kind()), d.period(), d.version(), pb::DocumentState_Name(d.state()),
        number, ItemsPending(d), body);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<pb::Document>> PgNotifyTx::Document(std::string_view id) {
  return Run([&]() {
    return OneFromJson<pb::Document>(
        tx_.exec_params("SELECT body::text FROM documents WHERE id = $1", std::string(id)));
  });
}

absl::StatusOr<std::vector<pb::Document>> PgNotifyTx::Documents(const DocumentFilter& f) {
  RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
  const std::string kind = f.kind == pb::DOCUMENT_KIND_UNSPECIFIED ? "" : pb::DocumentKind_Name(f.kind);
  const std::string state = f.state == pb::DOCUMENT_STATE_UNSPECIFIED ? "" : pb::DocumentState_Name(f.state);
  return Run([&]() {
    return AllFromJson<pb::Document>(tx_.exec_params(
        absl::StrCat("SELECT body::text FROM documents WHERE ", kDocumentsWhere,
                     " ORDER BY period DESC, version DESC, id LIMIT NULLIF($6::int, 0) OFFSET $7::int"),
        kind, f.period, f.number, state, f.items_pending, f.limit, f.offset));
  });
}

absl::Status PgNotifyTx::PutDocumentFile(std::string_view document_id, pb::RenderFormat format,
                                         const std::string& data) {
  RETURN_IF_ERROR(CheckKey(document_id, "document_id"));
  RETURN_IF_ERROR(CheckFormat(format));
  return Run([&]() -> absl::Status {
    // Inserted from the document's row: none when it does not exist (NOT_FOUND, the transaction
    // still usable, rather than a foreign-key violation).
    const pqxx::result r = tx_.exec_params(
        "INSERT INTO document_files (document_id, format, data, sha256) "
        "SELECT id, $2, $3::bytea, encode(sha256($3::bytea), 'hex') FROM documents WHERE id = $1 "
        "ON CONFLICT (document_id, format) DO UPDATE SET data = EXCLUDED.data, sha256 = EXCLUDED.sha256",
        std::string(document_id), pb::RenderFormat_Name(format), pqxx::binarystring(data));
    if (r.affected_rows() == 0) {
      return absl::NotFoundError(absl::StrFormat("document '%s' does not exist", document_id));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<std::string>> PgNotifyTx::DocumentFile(std::string_view document_id,
                                                                    pb::RenderFormat format) {
  return Run([&]() -> absl::StatusOr<std::optional<std::string>> {
    const pqxx::result r =
        tx_.exec_params("SELECT data FROM document_files WHERE document_id = $1 AND format = $2",
                        std::string(document_id), pb::RenderFormat_Name(format));
    if (r.empty()) return std::nullopt;
    return std::optional<std::string>(pqxx::binarystring(r[0][0]).str());
  });
}

absl::Status PgNotifyTx::LockDocuments() {
  if (documents_locked_) return failure();
  return Run([&]() {
    tx_.exec_params("SELECT pg_advisory_xact_lock($1::bigint)", kDocumentsLockKey);
    documents_locked_ = true;
    return absl::OkStatus();
  });
}

}  // namespace ys::notify::pg_store_internal
