#include "common/pg/outbox_admin.h"

#include <pqxx/pqxx>
#include <set>

#include "absl/strings/str_join.h"
#include "common/grpc/paging.h"
#include "common/grpc/unary.h"
#include "common/log/log.h"
#include "common/pg/outbox.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"

namespace ys {

namespace pb = ::yingshang::admin::v1;

grpc::ServerUnaryReactor* OutboxAdminImpl::ListParked(grpc::CallbackServerContext* ctx,
                                                      const pb::ListParkedRequest* req,
                                                      pb::ListParkedResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    ASSIGN_OR_RETURN(PageWindow window, ParsePage(req->page()));
    std::vector<ParkedEvent> events;
    int64_t total = 0;
    RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) {
      events = ListParkedEvents(tx, window.offset, window.size);
      total = CountParkedEvents(tx);
      return absl::OkStatus();
    }));
    for (const ParkedEvent& e : events) {
      pb::ParkedEvent* p = resp->add_events();
      p->set_id(e.id);
      p->set_topic(e.topic);
      p->set_key(e.key);
      p->set_ce_id(e.ce_id);
      p->set_ce_type(e.ce_type);
      p->set_ce_source(e.ce_source);
      *p->mutable_ce_time() = ToProtoTime(e.ce_time);
      p->set_size_bytes(e.size_bytes);
      p->set_error_code(e.error_code);
      p->set_error(e.error);
      *p->mutable_created_at() = ToProtoTime(e.created_at);
      *p->mutable_parked_at() = ToProtoTime(e.parked_at);
    }
    resp->set_total(total);
    resp->mutable_page()->set_next_page_token(NextPageToken(window, static_cast<size_t>(total)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* OutboxAdminImpl::RequeueParked(grpc::CallbackServerContext* ctx,
                                                         const pb::RequeueParkedRequest* req,
                                                         pb::RequeueParkedResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, {"office"}));
    if (req->all() == (req->ids_size() > 0)) {
      return absl::InvalidArgumentError("field 'ids': name the parked rows to requeue, or set 'all'");
    }
    const std::vector<int64_t> ids(req->ids().begin(), req->ids().end());
    std::vector<int64_t> moved;
    RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) {
      moved = RequeueParkedEvents(tx, ids, req->all());
      return absl::OkStatus();
    }));
    const std::set<int64_t> back(moved.begin(), moved.end());
    for (int64_t id : moved) resp->add_requeued_ids(id);
    for (int64_t id : std::set<int64_t>(ids.begin(), ids.end())) {
      if (!back.contains(id)) resp->add_not_found_ids(id);
    }
    log::Info("parked outbox rows requeued",
              {{"by", who.name}, {"ids", absl::StrJoin(moved, ",")}});
    return absl::OkStatus();
  });
}

}  // namespace ys
