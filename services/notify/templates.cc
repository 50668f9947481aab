#include "services/notify/templates.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <system_error>

#include <mstch/mstch.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/status/macros.h"

namespace ys::notify {
namespace {

constexpr std::string_view kSuffix = ".mustache";

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct Tag {
  enum class Kind { kVariable, kSection, kInverted, kClose };
  Kind kind;
  std::string name;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The tags of a template (comments dropped), or why it does not parse.
absl::StatusOr<std::vector<Tag>> ParseTags(std::string_view text) {
  std::vector<Tag> tags;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const bool triple = pos + 2 < text.size() && text[pos + 2] == '{';
    const std::string_view close = triple ? "}}}" : "}}";
    const size_t start = pos + (triple ? 3 : 2);
    const size_t end = text.find(close, start);
    if (end == std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("unclosed tag at byte ", pos));
    }
    std::string_view content = Trim(text.substr(start, end - start));
    pos = end + close.size();
    if (content.empty()) return absl::InvalidArgumentError(absl::StrCat("empty tag at byte ", start - 2));
    if (triple) {
      tags.push_back({Tag::Kind::kVariable, std::string(content)});
      continue;
    }
    const char sigil = content.front();
    const std::string name(Trim(content.substr(1)));
    switch (sigil) {
      case '!':
        break;
      case '#':
        tags.push_back({Tag::Kind::kSection, name});
        break;
      case '^':
        tags.push_back({Tag::Kind::kInverted, name});
        break;
      case '/':
        tags.push_back({Tag::Kind::kClose, name});
        break;
      case '&':
        tags.push_back({Tag::Kind::kVariable, name});
        break;
      case '>':
        return absl::InvalidArgumentError(absl::StrCat("partial {{>", name, "}} is not supported"));
      case '=':
        return absl::InvalidArgumentError("delimiter changes ({{=…=}}) are not supported");
      default:
        tags.push_back({Tag::Kind::kVariable, std::string(content)});
    }
  }
  return tags;
}

std::once_flag escape_once;

// Every channel is markdown or plain text: values go in as they are (see the header).
void UseNoEscaping() {
  std::call_once(escape_once, [] { mstch::config::escape = [](const std::string& s) { return s; }; });
}

mstch::map ToMstch(const TemplateValues& values) {
  mstch::map map;
  for (const auto& [name, value] : values) map.emplace(name, value);
  return map;
}

mstch::map ToMstch(const TemplateData& data) {
  mstch::map map = ToMstch(data.values);
  for (const auto& [name, items] : data.lists) {
    mstch::array array;
    array.reserve(items.size());
    for (const TemplateValues& item : items) array.emplace_back(ToMstch(item));
    map.emplace(name, std::move(array));
  }
  return map;
}

std::string TrimTrailingWhitespace(std::string text) {
  while (!text.empty() && std::string_view(" \t\r\n").find(text.back()) != std::string_view::npos) {
    text.pop_back();
  }
  return text;
}

std::set<std::string, std::less<>> ExpectedFileNames() {
  std::set<std::string, std::less<>> names;
  for (const char* event_type : kEventTypes) {
    for (const TextPart channel : kTextParts) names.insert(TemplateFileName(event_type, channel));
  }
  return names;
}

}  // namespace

std::string_view TextPartName(TextPart channel) {
  switch (channel) {
    case TextPart::kMarkdown:
      return "markdown";
    case TextPart::kMailSubject:
      return "mail_subject";
    case TextPart::kMailText:
      return "mail_text";
  }
  return "unknown";
}

std::string TemplateFileName(std::string_view event_type, TextPart channel) {
  return absl::StrCat(Absl(event_type), ".", Absl(TextPartName(channel)), Absl(kSuffix));
}

absl::StatusOr<std::vector<std::string>> MissingPlaceholders(std::string_view template_text,
                                                             const TemplateData& data) {
  ASSIGN_OR_RETURN(const std::vector<Tag> tags, ParseTags(template_text));
  struct Frame {
    std::string name;
    const std::vector<TemplateValues>* items = nullptr;  // set for a section iterating a list
  };
  std::vector<Frame> frames;
  std::vector<std::string> missing;

  const auto provided = [&](const std::string& name) {
    if (name == ".") return !frames.empty();
    for (auto frame = frames.rbegin(); frame != frames.rend(); ++frame) {
      if (frame->items == nullptr || frame->items->empty()) continue;
      if (std::all_of(frame->items->begin(), frame->items->end(),
                      [&](const TemplateValues& item) { return item.contains(name); })) {
        return true;
      }
    }
    return data.values.contains(name) || data.lists.contains(name);
  };
  const auto report = [&](const std::string& name) {
    std::vector<std::string> path;
    for (const Frame& frame : frames) {
      if (frame.items != nullptr) path.push_back(frame.name);
    }
    path.push_back(name);
    std::string full = absl::StrJoin(path, ".");
    if (std::find(missing.begin(), missing.end(), full) == missing.end()) missing.push_back(std::move(full));
  };

  for (const Tag& tag : tags) {
    switch (tag.kind) {
      case Tag::Kind::kVariable:
        if (!provided(tag.name)) report(tag.name);
        break;
      case Tag::Kind::kSection:
      case Tag::Kind::kInverted: {
        Frame frame{tag.name, nullptr};
        // A list's section iterates it, unless an item of an enclosing list shadows the name.
        const auto list = data.lists.find(tag.name);
        const bool shadowed = std::any_of(frames.begin(), frames.end(), [&](const Frame& f) {
          return f.items != nullptr && !f.items->empty() && f.items->front().contains(tag.name);
        });
        if (!provided(tag.name)) {
          report(tag.name);
        } else if (tag.kind == Tag::Kind::kSection && list != data.lists.end() && !shadowed) {
          frame.items = &list->second;
        }
        frames.push_back(std::move(frame));
        break;
      }
      case Tag::Kind::kClose:
        if (frames.empty()) {
          return absl::InvalidArgumentError(absl::StrCat("{{/", tag.name, "}} closes no section"));
        }
        if (frames.back().name != tag.name) {
          return absl::InvalidArgumentError(
              absl::StrCat("{{/", tag.name, "}} closes {{#", frames.back().name, "}}"));
        }
        frames.pop_back();
        break;
    }
  }
  if (!frames.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("{{#", frames.back().name, "}} is not closed"));
  }
  return missing;
}

absl::StatusOr<TemplateSet> TemplateSet::FromTexts(const std::map<std::string, std::string>& files) {
  const std::set<std::string, std::less<>> expected = ExpectedFileNames();
  TemplateSet set;
  for (const auto& [name, text] : files) {
    if (!name.ends_with(kSuffix)) continue;
    if (!expected.contains(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": not <event_type>.<channel>.mustache for a known event type and channel"));
    }
    const absl::StatusOr<std::vector<std::string>> parsed = MissingPlaceholders(text, TemplateData{});
    if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(name, ": ", parsed.status().message()));
    set.texts_.emplace(name, text);
  }
  for (const std::string& name : expected) {
    if (!set.texts_.contains(name)) return absl::NotFoundError(absl::StrCat(name, ": template missing"));
  }
  return set;
}

absl::StatusOr<TemplateSet> TemplateSet::LoadDirectory(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error) {
    return absl::NotFoundError(absl::StrCat("templates directory ", directory, ": ", error.message()));
  }
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(kSuffix) || !entry.is_regular_file(error)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return absl::UnavailableError(absl::StrCat(entry.path().string(), ": cannot be read"));
    files.emplace(name, text.str());
  }
  absl::StatusOr<TemplateSet> set = FromTexts(files);
  if (!set.ok()) {
    // Name the file with its directory, as the operator sees it.
    return absl::Status(set.status().code(), absl::StrCat(directory, "/", set.status().message()));
  }
  return set;
}

absl::StatusOr<std::string> TemplateSet::Text(std::string_view event_type, TextPart channel) const {
  const std::string name = TemplateFileName(event_type, channel);
  const auto it = texts_.find(name);
  if (it == texts_.end()) return absl::NotFoundError(absl::StrCat(name, ": no such template"));
  return it->second;
}

absl::StatusOr<std::string> TemplateSet::Render(std::string_view event_type, TextPart channel,
                                                const TemplateData& data) const {
  ASSIGN_OR_RETURN(const std::string text, Text(event_type, channel));
  UseNoEscaping();
  std::string out = TrimTrailingWhitespace(mstch::render(text, ToMstch(data)));
  if (channel == TextPart::kMailSubject) {
    std::replace_if(out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  }
  return out;
}

}  // namespace ys::notify
