// Where a message is: masked city/district codes and the most specific named place. Place names
// are runs of ICU words ending in a place word; generic words (道路, 农村, 我们小区) are not
// places.
#include <algorithm>
#include <array>

#include "text/hot_issues.h"
#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

// Place words by specificity: a residential compound or building names a place more precisely
// than a village, which is more precise than a road, than a town or street office.
struct Suffix {
  std::u32string_view word;
  int rank;
};
constexpr std::array kSuffixes = {
    Suffix{U"小区", 5},   Suffix{U"花园", 5},   Suffix{U"家园", 5},   Suffix{U"公寓", 5},
    Suffix{U"大厦", 5},   Suffix{U"苑", 5},     Suffix{U"新村", 5},   Suffix{U"楼盘", 5},
    Suffix{U"幼儿园", 4}, Suffix{U"小学", 4},   Suffix{U"中学", 4},   Suffix{U"学校", 4},
    Suffix{U"学院", 4},   Suffix{U"医院", 4},   Suffix{U"市场", 4},   Suffix{U"广场", 4},
    Suffix{U"公园", 4},   Suffix{U"工业园", 4}, Suffix{U"搅拌站", 4}, Suffix{U"村", 3},
    Suffix{U"组", 3},     Suffix{U"大道", 2},   Suffix{U"路", 2},     Suffix{U"街", 2},
    Suffix{U"大桥", 2},   Suffix{U"社区", 2},   Suffix{U"镇", 1},     Suffix{U"乡", 1},
    Suffix{U"街道", 1},
};

// Words that end like a place but name none, and words that never start a place name.
constexpr auto kGeneric = std::to_array<std::u32string_view>(
    {U"道路", U"马路", U"公路", U"线路", U"思路", U"出路", U"铁路", U"网路", U"套路", U"一路",
     U"农村", U"乡村", U"城乡", U"城镇", U"乡镇", U"村镇", U"下乡", U"小组", U"班组", U"机组",
     U"全村", U"本村", U"该村", U"我村", U"本组", U"各组", U"老街", U"上街"});
constexpr auto kStop = std::to_array<std::u32string_view>(
    {U"反映", U"关于", U"投诉", U"咨询", U"请求", U"建议", U"举报",   U"希望",  U"要求", U"我们",
     U"我",   U"本",   U"该",   U"的",   U"在",   U"位于", U"住在",   U"对",    U"和",   U"与",
     U"及",   U"附近", U"周边", U"旁",   U"门口", U"一个", U"这个",   U"哪个",  U"请问", U"整个",
     U"所有", U"多个", U"各",   U"无",   U"有",   U"是",   U"从",     U"到",    U"向",   U"给",
     U"了",   U"被",   U"把",   U"又",   U"还",   U"都",   U"市",     U"区",    U"县",   U"省",
     U"西地", U"我家", U"正在", U"这些", U"那些", U"紧挨", U"靠近",   U"旁边",  U"隔壁", U"对面",
     U"修建", U"建设", U"开发", U"强烈", U"严重", U"居住", U"小区内", U"我们的"});

std::u32string decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) out.push_back(utf8::next(s, i));
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) utf8::append(out, c);
  return out;
}

bool is_upper(char32_t c) {
  return c >= U'A' && c <= U'Z';
}
bool is_digit(char32_t c) {
  return c >= U'0' && c <= U'9';
}

// Finds the masked codes (`A市`, `A5区`, `K9县`, `西地省`), records the first city and district,
// and blanks them so the name search sees them as separators.
void take_codes(std::u32string& s, Place& place) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_upper(s[i]) || (i > 0 && (is_upper(s[i - 1]) || is_digit(s[i - 1])))) continue;
    size_t j = i + 1;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (j >= s.size() || (s[j] != U'市' && s[j] != U'区' && s[j] != U'县')) continue;
    const std::string code = encode(std::u32string_view(s).substr(i, j + 1 - i));
    if (s[j] == U'市') {
      if (place.city.empty()) place.city = code;
    } else if (place.district.empty()) {
      place.district = code;
    }
    std::fill(s.begin() + static_cast<std::ptrdiff_t>(i),
              s.begin() + static_cast<std::ptrdiff_t>(j + 1), U' ');
    i = j;
  }
  for (size_t p = s.find(U"西地省"); p != std::u32string::npos; p = s.find(U"西地省", p))
    std::fill(s.begin() + static_cast<std::ptrdiff_t>(p),
              s.begin() + static_cast<std::ptrdiff_t>(p + 3), U' ');
}

bool all_han(std::u32string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char32_t c) { return utf8::is_han(c); });
}

template <size_t N>
bool listed(const std::array<std::u32string_view, N>& list, std::u32string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// The place word a word ends with (longest first), or nullptr.
const Suffix* suffix_of(std::u32string_view w) {
  const Suffix* best = nullptr;
  for (const auto& s : kSuffixes)
    if (w.size() >= s.word.size() && w.substr(w.size() - s.word.size()) == s.word &&
        (!best || s.word.size() > best->word.size()))
      best = &s;
  return best;
}

struct Candidate {
  std::u32string name;
  std::u32string key;
  int rank = 0;
};

// The best place name in one text: highest rank, then first.
std::optional<Candidate> best_name(std::u32string_view text) {
  std::vector<std::u32string> words;
  for (const auto& t : tokenize(encode(text)))
    words.push_back(t.kind == TokenKind::kOther ? std::u32string() : decode(t.text));
  std::optional<Candidate> best;
  for (size_t k = 0; k < words.size(); ++k) {
    const std::u32string& w = words[k];
    if (!all_han(w) || listed(kGeneric, w)) continue;
    const Suffix* suffix = suffix_of(w);
    if (!suffix) continue;
    // Extend backwards over name words (ICU splits unknown names into single characters: 伊|景|园)
    // up to 10 code points in all.
    std::u32string name = w;
    for (size_t back = 1; back <= 6 && back <= k; ++back) {
      const std::u32string& prev = words[k - back];
      if (!all_han(prev) || listed(kStop, prev) || listed(kGeneric, prev) || suffix_of(prev) ||
          name.size() + prev.size() > 10)
        break;
      name = prev + name;
    }
    if (name.size() < suffix->word.size() + 2) continue;  // 农村, 西路: too short to be a name
    if (!best || suffix->rank > best->rank) {
      std::u32string key = name.substr(0, name.size() - suffix->word.size());
      best = Candidate{std::move(name), std::move(key), suffix->rank};
    }
  }
  return best;
}

}  // namespace

std::string Place::label() const {
  return city + district + name;
}

Place extract_place(std::string_view title, std::string_view body) {
  Place place;
  std::u32string t = decode(normalize(title));
  // The start of the text is where residents say where they live; the rest is the story.
  std::u32string b = decode(normalize(body.substr(0, std::min<size_t>(body.size(), 900))));
  take_codes(t, place);
  take_codes(b, place);
  auto in_title = best_name(t);
  auto in_body = best_name(b);
  // The title names the place the message is about; the body (where residents also mention
  // neighbouring places) only when the title names none.
  const std::optional<Candidate>& pick = in_title ? in_title : in_body;
  if (pick) {
    place.name = encode(pick->name);
    place.key = encode(pick->key);
  }
  return place;
}

}  // namespace civicgrid::text
