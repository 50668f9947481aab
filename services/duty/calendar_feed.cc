#include "services/duty/calendar_feed.h"

#include <libical/ical.h>

#include <ctime>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/status/macros.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "services/duty/directory.h"

namespace ys::duty {
namespace {

constexpr char kProdId[] = "-//Yingshang//duty//ZH";
constexpr char kUidDomain[] = "yingshang.shangrao";
constexpr char kCentre[] = "上饶市政务服务中心";

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;

struct BufferDeleter {
  void operator()(char* s) const { icalmemory_free_buffer(s); }
};

// An instant as a UTC DATE-TIME ("…T010000Z"): subscribers need no VTIMEZONE to place it.
icaltimetype Utc(absl::Time t) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(absl::ToTimeT(t)), 0, icaltimezone_get_utc_timezone());
}

icalproperty* XProperty(const char* name, const std::string& value) {
  icalproperty* p = icalproperty_new_x(value.c_str());
  icalproperty_set_x_name(p, name);
  return p;
}

// "按时登记（提前 10 天）" / "逾期登记（提前 3 天，细则要求提前一周）" / "已取消：…".
std::string Standing(const pb::Registration& r) {
  if (r.cancelled()) return absl::StrCat("已取消：", r.cancel_reason());
  if (r.late()) return absl::StrFormat("逾期登记（提前 %d 天，细则要求提前一周）", r.days_ahead());
  return absl::StrFormat("按时登记（提前 %d 天）", r.days_ahead());
}

absl::StatusOr<Component> Event(const pb::Registration& r, const DutyHours& hours, absl::Time now) {
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(r.date());
  if (!day.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("registration %s: date '%s' is not YYYY-MM-DD", r.id(), r.date()));
  }
  if (r.session() == pb::SESSION_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrFormat("registration %s: session is unspecified", r.id()));
  }
  const Span span = hours.Of(r.session());
  // The hours are wall-clock times in Asia/Shanghai; the feed carries them as UTC instants.
  const absl::CivilMinute midnight(*day);
  const absl::Time start = absl::FromCivil(midnight + span.start, Shanghai());
  const absl::Time end = absl::FromCivil(midnight + span.end, Shanghai());

  Component e(icalcomponent_new_vevent());
  if (e == nullptr) return absl::InternalError("libical could not create a VEVENT");
  icalcomponent* c = e.get();
  icalcomponent_add_property(c, icalproperty_new_uid(absl::StrCat(r.id(), "@", kUidDomain).c_str()));
  icalcomponent_add_property(c, icalproperty_new_dtstamp(Utc(now)));
  icalcomponent_add_property(c, icalproperty_new_dtstart(Utc(start)));
  icalcomponent_add_property(c, icalproperty_new_dtend(Utc(end)));
  icalcomponent_add_property(c, icalproperty_new_summary(absl::StrCat("坐班：", r.unit(), " ", r.window_name()).c_str()));
  icalcomponent_add_property(
      c, icalproperty_new_location(absl::StrCat(kCentre, " ", r.window(), " ", r.window_name()).c_str()));
  const std::string description =
      absl::StrFormat("姓名：%s\n职务：%s\n时段：%s %s–%s\n登记：%s", r.leader_name(), r.title(),
                      SessionName(r.session()), FormatClockTime(span.start), FormatClockTime(span.end), Standing(r));
  icalcomponent_add_property(c, icalproperty_new_description(description.c_str()));
  // RFC 5545 3.8.7.4: a revision of the event carries a higher SEQUENCE, so a subscribed calendar
  // takes the cancellation over the copy it holds.
  icalcomponent_add_property(c, icalproperty_new_status(r.cancelled() ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(c, icalproperty_new_sequence(r.cancelled() ? 1 : 0));
  return e;
}

}  // namespace

absl::StatusOr<std::string> RenderCalendar(const std::string& title,
                                           const std::vector<pb::Registration>& registrations,
                                           const DutyHours& hours, absl::Time now) {
  Component cal(icalcomponent_new_vcalendar());
  if (cal == nullptr) return absl::InternalError("libical could not create a VCALENDAR");
  icalcomponent_add_property(cal.get(), icalproperty_new_prodid(kProdId));
  icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));
  // Calendar names and zones as Apple, Google and Outlook read them from a subscribed feed.
  icalcomponent_add_property(cal.get(), XProperty("X-WR-CALNAME", title));
  icalcomponent_add_property(cal.get(), XProperty("X-WR-TIMEZONE", "Asia/Shanghai"));
  for (const pb::Registration& r : registrations) {
    ASSIGN_OR_RETURN(Component event, Event(r, hours, now));
    icalcomponent_add_component(cal.get(), event.release());  // the calendar owns it now
  }
  std::unique_ptr<char, BufferDeleter> text(icalcomponent_as_ical_string_r(cal.get()));
  if (text == nullptr) return absl::InternalError("libical could not write the calendar");
  return std::string(text.get());
}

}  // namespace ys::duty
