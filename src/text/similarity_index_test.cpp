#include "text/similarity_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace civicgrid::text {
namespace {

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kT0 = 1'700'000'000'000;

const char* kOriginal =
    "阳光花园小区3栋楼下的垃圾站已经一个星期没有清运，垃圾堆满溢出，气味刺鼻，夏天蚊蝇滋生，"
    "严重影响居民生活，请环卫部门尽快处理并安排每天定时清运。";
// Four characters changed, one clause reworded.
const char* kNearCopy =
    "阳光花园小区3栋楼下的垃圾站已经一周没有清运了，垃圾堆满溢出，气味刺鼻，夏天蚊虫滋生，"
    "严重影响居民生活，请环卫部门尽快处理并安排每日定时清运。";
const char* kUnrelated =
    "我家孩子今年九月上小学，户口在本区但房产证还没办下来，想咨询一下入学需要准备哪些材料，"
    "学区是怎么划分的，什么时候可以网上报名。";

TEST(SimilaritySignature, NearCopiesScoreHighUnrelatedLow) {
  auto a = text_signature(kOriginal), b = text_signature(kNearCopy), c = text_signature(kUnrelated);
  ASSERT_TRUE(a && b && c);
  EXPECT_GT(estimated_jaccard(*a, *b), 0.6);
  EXPECT_LT(estimated_jaccard(*a, *c), 0.2);
  EXPECT_DOUBLE_EQ(estimated_jaccard(*a, *a), 1.0);
}

TEST(SimilaritySignature, FullWidthAndTraditionalFormsMatch) {
  // Full-width digits, letters and punctuation; traditional characters; extra spaces.
  auto half = text_signature("A3区 XX路123号 路灯不亮，晚上很黑。");
  auto full = text_signature("Ａ３区　ＸＸ路１２３号　路燈不亮，晚上很黑。");
  ASSERT_TRUE(half && full);
  EXPECT_DOUBLE_EQ(estimated_jaccard(*half, *full), 1.0);
}

TEST(SimilaritySignature, NothingToCompare) {
  EXPECT_FALSE(text_signature(""));
  EXPECT_FALSE(text_signature(" ，。！？ "));
  EXPECT_TRUE(text_signature("水"));
}

TEST(SimilarityScore, DistanceAndTimeLowerTheScore) {
  SimilarityIndex idx;
  const GeoPoint here{28.2282, 112.9388};
  const GeoPoint near{28.2291, 112.9388};  // about 100 m north
  const GeoPoint far{28.2462, 112.9388};   // about 2 km north
  const SimilarMatch same = idx.combine(0.8, here, here, kT0, kT0);
  const SimilarMatch close = idx.combine(0.8, here, near, kT0, kT0);
  const SimilarMatch distant = idx.combine(0.8, here, far, kT0, kT0);
  const SimilarMatch later = idx.combine(0.8, here, here, kT0, kT0 + 30 * 24 * kHour);
  const SimilarMatch unknown = idx.combine(0.8, std::nullopt, here, kT0, kT0);
  EXPECT_DOUBLE_EQ(same.score, 0.8);
  ASSERT_TRUE(close.distance_m && distant.distance_m);
  EXPECT_NEAR(*close.distance_m, 100, 3);
  EXPECT_NEAR(*distant.distance_m, 2002, 10);
  EXPECT_LT(close.score, same.score);
  EXPECT_GT(close.score, 0.6);
  EXPECT_LT(distant.score, 0.1);
  EXPECT_NEAR(later.hours_apart, 720, 1e-9);
  EXPECT_LT(later.score, same.score);
  EXPECT_GE(later.score, 0.4);  // time alone takes at most half (time_weight 0.5)
  EXPECT_FALSE(unknown.distance_m);
  EXPECT_DOUBLE_EQ(unknown.score, 0.8);
  // The documented formula, term by term.
  EXPECT_NEAR(distant.score, 0.8 * std::exp2(-*distant.distance_m / 500), 1e-12);
  EXPECT_NEAR(later.score, 0.8 * (0.5 + 0.5 * std::exp2(-720.0 / 168)), 1e-12);
}

TEST(SimilarityIndex, FindsNearCopyNotUnrelated) {
  SimilarityIndex idx;
  const GeoPoint p{28.2282, 112.9388};
  idx.upsert(1, kOriginal, p, kT0);
  idx.upsert(2, kUnrelated, p, kT0);
  EXPECT_EQ(idx.size(), 2u);
  auto r = idx.query({.text = kNearCopy, .point = p, .time_ms = kT0 + kHour, .limit = 5});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, 1);
  EXPECT_GT(r[0].score, 0.6);
  EXPECT_GT(r[0].text, 0.6);
  ASSERT_TRUE(r[0].distance_m);
  EXPECT_LT(*r[0].distance_m, 1);
  EXPECT_NEAR(r[0].hours_apart, 1, 1e-9);
  // Its own id is never reported.
  EXPECT_TRUE(idx.query({.text = kOriginal, .exclude_id = 1}).empty());
}

TEST(SimilarityIndex, FarAwayCopyRanksBelowNearbyCopy) {
  SimilarityIndex idx;
  idx.upsert(1, kOriginal, GeoPoint{28.2282, 112.9388}, kT0);
  idx.upsert(2, kOriginal, GeoPoint{28.2300, 112.9388}, kT0);  // 200 m
  auto r = idx.query({.text = kNearCopy, .point = GeoPoint{28.2282, 112.9388}, .time_ms = kT0});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, 1);
  EXPECT_EQ(r[1].id, 2);
  EXPECT_LT(r[1].score, r[0].score);
}

TEST(SimilarityIndex, RemoveAndReplace) {
  SimilarityIndex idx;
  // Several documents in the same buckets, removed in different chain positions.
  for (int i = 1; i <= 5; ++i) idx.upsert(i, kOriginal, std::nullopt, kT0 + i);
  EXPECT_EQ(idx.query({.text = kNearCopy, .limit = 10}).size(), 5u);
  EXPECT_TRUE(idx.remove(3));  // middle of the chains
  EXPECT_TRUE(idx.remove(5));  // head
  EXPECT_TRUE(idx.remove(1));  // tail
  EXPECT_FALSE(idx.remove(1));
  EXPECT_FALSE(idx.contains(3));
  auto r = idx.query({.text = kNearCopy, .limit = 10});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, 4);
  EXPECT_EQ(r[1].id, 2);
  // Replacing a document's text moves it out of its old buckets.
  idx.upsert(2, kUnrelated, std::nullopt, kT0);
  r = idx.query({.text = kNearCopy, .limit = 10});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, 4);
  EXPECT_EQ(idx.size(), 2u);
  // A text with nothing to compare removes the document.
  idx.upsert(4, "。。。", std::nullopt, kT0);
  EXPECT_FALSE(idx.contains(4));
  EXPECT_TRUE(idx.query({.text = kNearCopy}).empty());
}

TEST(SimilarityIndex, ManyDocumentsGrowTablesAndKeepAnswers) {
  SimilarityIndex idx;
  // 3000 distinct texts (numbered variants of two templates), then half removed.
  for (int i = 1; i <= 3000; ++i)
    idx.upsert(i, std::string(i % 2 ? kOriginal : kUnrelated) + "编号" + std::to_string(i * 7919),
               std::nullopt, kT0);
  for (int i = 1; i <= 3000; i += 2) ASSERT_TRUE(idx.remove(i));
  EXPECT_EQ(idx.size(), 1500u);
  for (int i = 2; i <= 3000; i += 2) ASSERT_TRUE(idx.contains(i)) << i;
  // Only the remaining (unrelated-template) documents are found for the unrelated text.
  auto r = idx.query({.text = kUnrelated, .limit = 3000});
  EXPECT_GT(r.size(), 1000u);
  for (const auto& m : r) EXPECT_EQ(m.id % 2, 0) << m.id;
  EXPECT_TRUE(idx.query({.text = kOriginal, .limit = 10}).empty());
  EXPECT_GT(idx.memory_bytes(), 1500u * 100);
}

TEST(SimilarityIndex, ReadersRunDuringUpdates) {
  SimilarityIndex idx;
  idx.upsert(1, kOriginal, std::nullopt, kT0);
  std::atomic<bool> stop{false};
  std::atomic<int> missing{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        auto r = idx.query({.text = kNearCopy, .exclude_id = 0, .limit = 5000});
        bool found = false;
        for (const auto& m : r) found |= m.id == 1;
        if (!found) ++missing;
      }
    });
  for (int i = 2; i < 2000; ++i) {
    idx.upsert(i, kOriginal, std::nullopt, kT0);
    if (i % 3 == 0) idx.remove(i);
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(missing.load(), 0);  // document 1 is never removed, so every reader sees it
}

}  // namespace
}  // namespace civicgrid::text
