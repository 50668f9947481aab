// The built web app served from a directory: hashed assets cached for a year, index.html never, the
// app's own pages answered with index.html.
#include "services/gateway/static_files.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "common/kafka/cloud_event.h"
#include "gtest/gtest.h"

namespace ys::gateway {
namespace {

namespace fs = std::filesystem;

constexpr char kImmutable[] = "public, max-age=31536000, immutable";

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("ys_static_" + NewEventId().substr(0, 8));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Write(const std::string& relative, const std::string& content) {
    const fs::path p = dir_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }

  StaticSite Load() {
    auto site = StaticSite::Load(dir_.string());
    EXPECT_TRUE(site.ok()) << site.status();
    return site.ok() ? *std::move(site) : StaticSite();
  }

  fs::path dir_;
};

TEST_F(StaticSiteTest, HashedAssetsAreCachedIndexIsNot) {
  Write("index.html", "<!doctype html><title>营商</title>");
  Write("assets/index-abc.js", "console.log('营商')");
  Write("assets/index-abc.css", "body{}");
  Write("favicon.ico", std::string("\0\0\1\0", 4));
  const StaticSite site = Load();
  EXPECT_FALSE(site.empty());
  EXPECT_EQ(site.size(), 4u);

  const StaticFile* js = site.Find("/assets/index-abc.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content, "console.log('营商')");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->cache_control, kImmutable);
  const StaticFile* css = site.Find("/assets/index-abc.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css->cache_control, kImmutable);

  // Outside /assets/ the name does not change with the content: revalidated every time.
  const StaticFile* icon = site.Find("/favicon.ico");
  ASSERT_NE(icon, nullptr);
  EXPECT_EQ(icon->content, std::string("\0\0\1\0", 4));
  EXPECT_EQ(icon->content_type, "image/x-icon");
  EXPECT_EQ(icon->cache_control, "no-cache");

  for (const char* path : {"/", "/index.html"}) {
    const StaticFile* index = site.Find(path);
    ASSERT_NE(index, nullptr) << path;
    EXPECT_EQ(index->content, "<!doctype html><title>营商</title>") << path;
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(index->cache_control, "no-cache");
  }
}

TEST_F(StaticSiteTest, AppPagesAreIndexMissingFilesAreNot) {
  Write("index.html", "<!doctype html>");
  Write("assets/index-abc.js", "x");
  const StaticSite site = Load();
  for (const char* page : {"/cases/RC-1", "/hall", "/indicators/I03/", "/units/市住房和城乡建设局"}) {
    const StaticFile* f = site.Find(page);
    ASSERT_NE(f, nullptr) << page;
    EXPECT_EQ(f->content, "<!doctype html>") << page;
    EXPECT_EQ(f->cache_control, "no-cache") << page;
  }
  EXPECT_EQ(site.Find("/missing.js"), nullptr);
  EXPECT_EQ(site.Find("/assets/index-def.js"), nullptr);
  EXPECT_EQ(site.Find("/assets/../index.js"), nullptr);
}

TEST_F(StaticSiteTest, NoIndexIsAnEmptySite) {
  const StaticSite empty = Load();
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.Find("/"), nullptr);
  EXPECT_EQ(empty.Find("/cases/RC-1"), nullptr);

  Write("assets/index-abc.js", "x");  // assets but no index.html: not a built app
  EXPECT_TRUE(Load().empty());

  auto missing = StaticSite::Load((dir_ / "no-such-dir").string());
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());
}

}  // namespace
}  // namespace ys::gateway
