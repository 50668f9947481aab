#include "tools/ysctl/user_commands.h"

#include <openssl/rand.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "yingshang/gateway/v1/gateway.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::gateway::v1;
constexpr char kService[] = "gateway";
constexpr char kDefaultAddress[] = "127.0.0.1:7106";

// 16 characters from an alphabet without look-alikes (0/O, 1/l/I): said over the phone, typed once.
std::string MakePassword() {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  std::string out;
  for (unsigned char b : bytes) out += kAlphabet[b % (sizeof kAlphabet - 1)];
  return out;
}

std::string Shown(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(t), Shanghai());
}

void PrintUser(std::ostream& out, const pb::User& u) {
  out << absl::StrFormat("%-16s %-10s %-28s %s%s  last login %s\n", u.login(), u.display_name(), u.role(),
                         u.disabled() ? "DISABLED " : "",
                         u.has_locked_until() ? "LOCKED until " + Shown(u.locked_until()) + " " : "",
                         Shown(u.last_login_at()));
}

}  // namespace

void AddUserCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string login, name, role, password_file;
    int limit = 50;
  };
  auto args = std::make_shared<Args>();
  auto stub = [args] { return pb::UserAdmin::NewStub(args->client.Channel()); };
  auto resolve = [args, &err, exit_code] {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };
  // The password from --password-file, or a new one (printed once).
  auto password = [args, &err, exit_code](bool* made) -> std::optional<std::string> {
    *made = args->password_file.empty();
    if (*made) return MakePassword();
    std::ifstream in(args->password_file);
    if (!in) {
      ReportError(err, absl::InvalidArgumentError("--password-file: cannot read " + args->password_file), exit_code);
      return std::nullopt;
    }
    std::stringstream s;
    s << in.rdbuf();
    return std::string(absl::StripTrailingAsciiWhitespace(s.str()));
  };

  CLI::App* users = app.add_subcommand("users", "The web console's people: add, list, disable, reset passwords");
  users->require_subcommand(1);

  CLI::App* add = users->add_subcommand("add", "Add a person who logs in to the console");
  add->add_option("--login", args->login, "what the person types, e.g. zhangsan")->required();
  add->add_option("--name", args->name, "the name audit trails show, e.g. 张三")->required();
  add->add_option("--role", args->role,
                  "office, unit:<unit>, leader:<name>, county:<code>, centre or viewer")->required();
  add->add_option("--password-file", args->password_file, "the password; without it one is made and printed");
  AddClientFlags(add, &args->client, kService, kDefaultAddress);
  add->callback([args, stub, resolve, password, &out, &err, exit_code] {
    if (!resolve()) return;
    bool made = false;
    auto pw = password(&made);
    if (!pw.has_value()) return;
    pb::AddUserRequest req;
    req.set_login(args->login);
    req.set_display_name(args->name);
    req.set_role(args->role);
    req.set_password(*pw);
    pb::User resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->AddUser(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintUser(out, resp);
    if (made) out << "password: " << *pw << "  (shown once; the person changes it with the office)\n";
  });

  CLI::App* list = users->add_subcommand("list", "Every person, with lockouts and last logins");
  AddClientFlags(list, &args->client, kService, kDefaultAddress);
  list->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListUsersResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ListUsers(ctx.get(), pb::ListUsersRequest(), &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const pb::User& u : resp.users()) PrintUser(out, u);
    out << resp.users_size() << " person(s)\n";
  });

  CLI::App* disable = users->add_subcommand("disable", "Disable a person: no login, sessions ended at once");
  disable->add_option("login", args->login, "the login")->required();
  AddClientFlags(disable, &args->client, kService, kDefaultAddress);
  disable->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::DisableUserRequest req;
    req.set_login(args->login);
    pb::User resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->DisableUser(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintUser(out, resp);
  });

  CLI::App* reset = users->add_subcommand("reset-password", "Set a new password; clears a lockout, ends sessions");
  reset->add_option("login", args->login, "the login")->required();
  reset->add_option("--password-file", args->password_file, "the password; without it one is made and printed");
  AddClientFlags(reset, &args->client, kService, kDefaultAddress);
  reset->callback([args, stub, resolve, password, &out, &err, exit_code] {
    if (!resolve()) return;
    bool made = false;
    auto pw = password(&made);
    if (!pw.has_value()) return;
    pb::ResetPasswordRequest req;
    req.set_login(args->login);
    req.set_password(*pw);
    pb::User resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ResetPassword(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    PrintUser(out, resp);
    if (made) out << "password: " << *pw << "  (shown once)\n";
  });

  CLI::App* audit = users->add_subcommand("audit", "Logins, failures and logouts, newest first");
  audit->add_option("--login", args->login, "one person");
  audit->add_option("--limit", args->limit, "at most this many lines (1..500)");
  AddClientFlags(audit, &args->client, kService, kDefaultAddress);
  audit->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListLoginAuditRequest req;
    req.set_login(args->login);
    req.set_limit(args->limit);
    pb::ListLoginAuditResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ListLoginAudit(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    for (const auto& e : resp.entries()) {
      out << absl::StrFormat("%s  %-16s %-15s %-14s %s\n",
                             absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTime(e.at()), Shanghai()), e.login(),
                             e.address(), e.outcome(), e.user_agent().substr(0, 40));
    }
    out << resp.entries_size() << " line(s)\n";
  });
}

}  // namespace ys::ysctl
