#include "services/ranking/cache.h"

#include <map>

#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace ys::ranking {
namespace {

thread_local bool last_from_cache = false;

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

absl::StatusOr<std::vector<pb::RankingFact>> PgFactReader::Query(
    const std::string& where, const std::vector<std::string>& args) {
  std::vector<pb::RankingFact> out;
  absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
    // The latest written of several sources for the same indicator and region (the cache keeps
    // the same one: RankingCache::Write).
    const std::string sql =
        "SELECT DISTINCT ON (indicator_code, region_code) body FROM current_facts WHERE " + where +
        " ORDER BY indicator_code, region_code, write_seq DESC";
    pqxx::result rows = args.size() == 3 ? tx.exec_params(sql, args[0], args[1], args[2])
                                         : tx.exec_params(sql, args[0], args[1], args[2], args[3]);
    for (const auto& row : rows) {
      pb::RankingFact f;
      f.ParseFromString(pqxx::binarystring(row[0]).str());
      out.push_back(std::move(f));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<pb::RankingFact>> PgFactReader::ForRegion(pb::Evaluation evaluation,
                                                                     const std::string& region,
                                                                     const std::string& period) {
  return Query("evaluation = $1 AND region_code = $2 AND period = $3",
               {pb::Evaluation_Name(evaluation), region, period});
}

absl::StatusOr<std::vector<pb::RankingFact>> PgFactReader::ForIndicator(pb::Evaluation evaluation,
                                                                        const std::string& indicator,
                                                                        pb::Scope scope,
                                                                        const std::string& period) {
  return Query("evaluation = $1 AND indicator_code = $2 AND period = $3 AND scope = $4",
               {pb::Evaluation_Name(evaluation), indicator, period, pb::Scope_Name(scope)});
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

absl::Status RankingCache::RequireBuilt() {
  auto built = IsBuilt();
  if (!built.ok()) return built.status();
  if (!*built) return absl::NotFoundError("ranking cache is not built");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<pb::RankingFact>> RankingCache::ForRegion(pb::Evaluation evaluation,
                                                                     const std::string& region,
                                                                     const std::string& period) {
  if (auto s = RequireBuilt(); !s.ok()) return s;
  auto r = redis_.Command({"HGETALL", FactsKey(evaluation, region, period)});
  if (!r.ok()) return r.status();
  std::vector<pb::RankingFact> out;
  for (size_t i = 1; i < r->elements.size(); i += 2) {
    pb::RankingFact f;
    if (f.ParseFromString(r->elements[i].str)) out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<std::vector<pb::RankingFact>> RankingCache::ForIndicator(pb::Evaluation evaluation,
                                                                        const std::string& indicator,
                                                                        pb::Scope scope,
                                                                        const std::string& period) {
  if (auto s = RequireBuilt(); !s.ok()) return s;
  auto regions = redis_.Command({"ZRANGE", RankKey(evaluation, scope, indicator, period), "0", "-1"});
  if (!regions.ok()) return regions.status();
  std::vector<std::vector<std::string>> cmds;
  for (const auto& r : regions->elements) {
    cmds.push_back({"HGET", FactsKey(evaluation, r.str, period), indicator});
  }
  std::vector<pb::RankingFact> out;
  if (cmds.empty()) return out;
  auto facts = redis_.Pipeline(cmds);
  if (!facts.ok()) return facts.status();
  for (const auto& reply : *facts) {
    pb::RankingFact f;
    if (!reply.is_nil() && f.ParseFromString(reply.str)) out.push_back(std::move(f));
  }
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
absl::StatusOr<std::vector<pb::RankingFact>> CachedFactReader::Read(Fn1 cached, Fn2 pg) {
  auto r = cached();
  if (r.ok()) {
    hits_.Increment();
    last_from_cache = true;
    return r;
  }
  (r.status().code() == absl::StatusCode::kNotFound ? cold_ : fallback_).Increment();
  last_from_cache = false;
  return pg();
}

absl::StatusOr<std::vector<pb::RankingFact>> CachedFactReader::ForRegion(pb::Evaluation evaluation,
                                                                         const std::string& region,
                                                                         const std::string& period) {
  return Read([&] { return cache_.ForRegion(evaluation, region, period); },
              [&] { return pg_.ForRegion(evaluation, region, period); });
}

absl::StatusOr<std::vector<pb::RankingFact>> CachedFactReader::ForIndicator(
    pb::Evaluation evaluation, const std::string& indicator, pb::Scope scope,
    const std::string& period) {
  return Read([&] { return cache_.ForIndicator(evaluation, indicator, scope, period); },
              [&] { return pg_.ForIndicator(evaluation, indicator, scope, period); });
}

bool CachedFactReader::LastFromCache() { return last_from_cache; }

}  // namespace ys::ranking
