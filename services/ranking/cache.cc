#include "services/ranking/cache.h"

#include <map>

#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/macros.h"

namespace ys::ranking {
namespace {

// The compare-and-set write. Per fact, KEYS: the facts hash, the write_seq hash, the rank sorted
// set; ARGV: indicator, region, rank, write_seq, body. The fact is written when the cache has no
// write_seq for it or an older one. Returns how many were written.
constexpr char kWriteScript[] = R"lua(
local written = 0
for i = 0, #KEYS / 3 - 1 do
  local facts, seqs, ranks = KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3]
  local indicator, region, rank = ARGV[5 * i + 1], ARGV[5 * i + 2], ARGV[5 * i + 3]
  local seq, body = ARGV[5 * i + 4], ARGV[5 * i + 5]
  local held = redis.call('HGET', seqs, indicator)
  if (not held) or tonumber(held) < tonumber(seq) then
    redis.call('HSET', facts, indicator, body)
    redis.call('HSET', seqs, indicator, seq)
    redis.call('ZADD', ranks, rank, region)
    written = written + 1
  end
end
return written
)lua";

// Facts per script call: a script holds Redis while it runs (about a millisecond per thousand).
constexpr size_t kWriteChunk = 1000;

}  // namespace

std::string RankingCache::RankKey(pb::Evaluation e, pb::Scope s, const std::string& indicator,
                                  const std::string& period) const {
  return absl::StrCat(prefix_, "ys:v1:rank:", pb::Evaluation_Name(e), ":", pb::Scope_Name(s), ":",
                      indicator, ":", period);
}

std::string RankingCache::FactsKey(pb::Evaluation e, const std::string& region,
                                   const std::string& period) const {
  return absl::StrCat(prefix_, "ys:v1:facts:", pb::Evaluation_Name(e), ":", region, ":", period);
}

std::string RankingCache::SeqKey(pb::Evaluation e, const std::string& region,
                                 const std::string& period) const {
  return absl::StrCat(prefix_, "ys:v1:seq:", pb::Evaluation_Name(e), ":", region, ":", period);
}

std::string RankingCache::BuiltKey() const { return prefix_ + "ys:v1:meta:built"; }

absl::StatusOr<FactsRead> PgFactReader::Query(const std::string& where, const std::vector<std::string>& args) {
  FactsRead out;
  absl::Status s = pool_.WithSingleStatement([&](pqxx::transaction_base& tx) -> absl::Status {
    // The latest written of several sources for the same indicator, region and period (the cache
    // keeps the same one: RankingCache::Write).
    const std::string sql =
        "SELECT DISTINCT ON (indicator_code, region_code, period) body FROM current_facts WHERE " + where +
        " ORDER BY indicator_code, region_code, period, write_seq DESC";
    pqxx::result rows = args.size() == 3 ? tx.exec_params(sql, args[0], args[1], args[2])
                                         : tx.exec_params(sql, args[0], args[1], args[2], args[3]);
    for (const auto& row : rows) out.facts.emplace_back().ParseFromString(pqxx::binarystring(row[0]).str());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<FactsRead> PgFactReader::ForRegion(pb::Evaluation evaluation, const std::string& region,
                                                  const std::vector<std::string>& periods) {
  return Query("evaluation = $1 AND region_code = $2 AND period = ANY($3::text[])",
               {pb::Evaluation_Name(evaluation), region, PgArray(periods)});
}

absl::StatusOr<FactsRead> PgFactReader::ForIndicator(pb::Evaluation evaluation, const std::string& indicator,
                                                     pb::Scope scope, const std::string& period) {
  return Query("evaluation = $1 AND indicator_code = $2 AND period = $3 AND scope = $4",
               {pb::Evaluation_Name(evaluation), indicator, period, pb::Scope_Name(scope)});
}

absl::StatusOr<FactsRead> PgFactReader::ForRegionIndicator(pb::Evaluation evaluation, const std::string& region,
                                                           const std::string& indicator,
                                                           const std::vector<std::string>& periods) {
  return Query("evaluation = $1 AND region_code = $2 AND indicator_code = $3 AND period = ANY($4::text[])",
               {pb::Evaluation_Name(evaluation), region, indicator, PgArray(periods)});
}

absl::Status RankingCache::Write(const std::vector<CurrentFact>& facts) {
  for (size_t at = 0; at < facts.size(); at += kWriteChunk) {
    const std::span<const CurrentFact> chunk(facts.data() + at, std::min(kWriteChunk, facts.size() - at));
    if (absl::Status s = WriteChunk(chunk); !s.ok()) {
      stale_ = true;  // whoever wrote: the cache keeper rebuilds it from PostgreSQL
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status RankingCache::WriteChunk(std::span<const CurrentFact> facts) {
  std::vector<std::string> args = {"EVALSHA", "", std::to_string(facts.size() * 3)};
  args.reserve(3 + facts.size() * 8);
  for (const CurrentFact& c : facts) {
    const pb::RankingFact& f = c.fact;
    args.push_back(FactsKey(f.evaluation(), f.region_code(), f.period()));
    args.push_back(SeqKey(f.evaluation(), f.region_code(), f.period()));
    args.push_back(RankKey(f.evaluation(), f.scope(), f.indicator_code(), f.period()));
  }
  for (const CurrentFact& c : facts) {
    args.push_back(c.fact.indicator_code());
    args.push_back(c.fact.region_code());
    args.push_back(std::to_string(c.fact.rank()));
    args.push_back(std::to_string(c.write_seq));
    args.push_back(c.fact.SerializeAsString());
  }
  // EVALSHA, loading the script first (and again after a Redis restart forgot it: NOSCRIPT).
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::lock_guard lock(script_mu_);
      if (script_sha_.empty()) {
        auto loaded = redis_.Command({"SCRIPT", "LOAD", kWriteScript});
        if (!loaded.ok()) return loaded.status();
        if (loaded->type == RedisReply::Type::kError) return absl::InternalError("redis SCRIPT LOAD: " + loaded->str);
        script_sha_ = loaded->str;
      }
      args[1] = script_sha_;
    }
    auto r = redis_.Command(args);
    if (!r.ok()) return r.status();
    if (r->type != RedisReply::Type::kError) return absl::OkStatus();
    if (!absl::StartsWith(r->str, "NOSCRIPT")) return absl::InternalError("redis cache write: " + r->str);
    std::lock_guard lock(script_mu_);
    script_sha_.clear();
  }
  return absl::UnavailableError("redis cache write: the script could not be loaded");
}

absl::StatusOr<bool> RankingCache::IsBuilt() {
  auto r = redis_.Command({"EXISTS", BuiltKey()});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::StatusOr<size_t> RankingCache::Rebuild(PgPool& pool) {
  size_t n = 0;
  absl::Status status;
  absl::Status s = pool.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    // In pages, so a large history neither holds all facts in memory nor one huge pipeline.
    std::string after;
    for (;;) {
      const pqxx::result rows = tx.exec_params(
          "SELECT fact_key, body, write_seq FROM current_facts WHERE fact_key > $1 ORDER BY fact_key LIMIT 5000",
          after);
      if (rows.empty()) return absl::OkStatus();
      // Written like any other write: an entry a live writer stored meanwhile (a later write_seq)
      // stays.
      std::vector<CurrentFact> facts;
      for (const auto& row : rows) {
        CurrentFact& c = facts.emplace_back();
        c.fact.ParseFromString(pqxx::binarystring(row[1]).str());
        c.write_seq = row[2].as<int64_t>();
        after = row[0].as<std::string>();
      }
      if (auto w = Write(facts); !w.ok()) return w;
      n += facts.size();
    }
  });
  if (!s.ok()) return s;
  auto marked = redis_.Command({"SET", BuiltKey(), "1"});
  if (!marked.ok()) return marked.status();
  return n;
}

absl::StatusOr<std::vector<RedisReply>> RankingCache::ReadBuilt(std::vector<std::vector<std::string>> commands) {
  commands.insert(commands.begin(), {"EXISTS", BuiltKey()});
  ASSIGN_OR_RETURN(std::vector<RedisReply> replies, redis_.Pipeline(commands));
  if (replies.front().integer != 1) return absl::NotFoundError("ranking cache is not built");
  replies.erase(replies.begin());
  return replies;
}

namespace {

// A fact's bytes from HGET or HGETALL, parsed; nil and unparsable values are skipped (a value
// this version cannot read is rebuilt from PostgreSQL by the next rebuild).
void AddFact(const RedisReply& value, FactsRead& out) {
  pb::RankingFact f;
  if (!value.is_nil() && f.ParseFromString(value.str)) out.facts.push_back(std::move(f));
}

}  // namespace

absl::StatusOr<FactsRead> RankingCache::ForRegion(pb::Evaluation evaluation, const std::string& region,
                                                  const std::vector<std::string>& periods) {
  std::vector<std::vector<std::string>> commands;
  for (const std::string& period : periods) commands.push_back({"HGETALL", FactsKey(evaluation, region, period)});
  ASSIGN_OR_RETURN(std::vector<RedisReply> replies, ReadBuilt(std::move(commands)));
  FactsRead out{.from_cache = true};
  for (const RedisReply& hash : replies) {
    for (size_t i = 1; i < hash.elements.size(); i += 2) AddFact(hash.elements[i], out);
  }
  return out;
}

absl::StatusOr<FactsRead> RankingCache::ForIndicator(pb::Evaluation evaluation, const std::string& indicator,
                                                     pb::Scope scope, const std::string& period) {
  ASSIGN_OR_RETURN(std::vector<RedisReply> regions,
                   ReadBuilt({{"ZRANGE", RankKey(evaluation, scope, indicator, period), "0", "-1"}}));
  std::vector<std::vector<std::string>> commands;
  for (const RedisReply& r : regions.front().elements) {
    commands.push_back({"HGET", FactsKey(evaluation, r.str, period), indicator});
  }
  FactsRead out{.from_cache = true};
  if (commands.empty()) return out;
  ASSIGN_OR_RETURN(std::vector<RedisReply> facts, redis_.Pipeline(commands));
  for (const RedisReply& reply : facts) AddFact(reply, out);
  return out;
}

absl::StatusOr<FactsRead> RankingCache::ForRegionIndicator(pb::Evaluation evaluation, const std::string& region,
                                                           const std::string& indicator,
                                                           const std::vector<std::string>& periods) {
  std::vector<std::vector<std::string>> commands;
  for (const std::string& period : periods) commands.push_back({"HGET", FactsKey(evaluation, region, period), indicator});
  ASSIGN_OR_RETURN(std::vector<RedisReply> replies, ReadBuilt(std::move(commands)));
  FactsRead out{.from_cache = true};
  for (const RedisReply& reply : replies) AddFact(reply, out);
  return out;
}

namespace {
prometheus::Family<prometheus::Counter>& CacheReads(Metrics& metrics) {
  return prometheus::BuildCounter()
      .Name("ys_ranking_cache_reads_total")
      .Help("Ranking reads by where they were answered from.")
      .Register(metrics.registry());
}
}  // namespace

CachedFactReader::CachedFactReader(RankingCache& cache, PgFactReader& pg, Metrics& metrics)
    : cache_(cache),
      pg_(pg),
      hits_(CacheReads(metrics).Add({{"result", "hit"}})),
      cold_(CacheReads(metrics).Add({{"result", "cold"}})),
      fallback_(CacheReads(metrics).Add({{"result", "redis_down"}})) {}

template <typename Fn1, typename Fn2>
absl::StatusOr<FactsRead> CachedFactReader::Read(Fn1 cached, Fn2 pg) {
  absl::StatusOr<FactsRead> r = cached();
  if (r.ok()) {
    hits_.Increment();
    return r;
  }
  (r.status().code() == absl::StatusCode::kNotFound ? cold_ : fallback_).Increment();
  return pg();
}

absl::StatusOr<FactsRead> CachedFactReader::ForRegion(pb::Evaluation evaluation, const std::string& region,
                                                      const std::vector<std::string>& periods) {
  return Read([&] { return cache_.ForRegion(evaluation, region, periods); },
              [&] { return pg_.ForRegion(evaluation, region, periods); });
}

absl::StatusOr<FactsRead> CachedFactReader::ForIndicator(pb::Evaluation evaluation, const std::string& indicator,
                                                         pb::Scope scope, const std::string& period) {
  return Read([&] { return cache_.ForIndicator(evaluation, indicator, scope, period); },
              [&] { return pg_.ForIndicator(evaluation, indicator, scope, period); });
}

absl::StatusOr<FactsRead> CachedFactReader::ForRegionIndicator(pb::Evaluation evaluation, const std::string& region,
                                                               const std::string& indicator,
                                                               const std::vector<std::string>& periods) {
  return Read([&] { return cache_.ForRegionIndicator(evaluation, region, indicator, periods); },
              [&] { return pg_.ForRegionIndicator(evaluation, region, indicator, periods); });
}

}  // namespace ys::ranking
